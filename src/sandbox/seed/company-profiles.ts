/**
 * Fixed profiles of the seeded companies and the word lists that generated
 * records draw from. Counts set how much data each company gets.
 */

/** Fixed seed: every sandbox start and reset builds identical data. */
export const SEED = 20240108;
/** Seeded timestamps count from this instant, not from the current time. */
export const SEED_START = Date.UTC(2024, 0, 8, 9, 0, 0);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface UserProfile {
  id: number;
  name: string;
  isAdmin: boolean;
  locale: string;
  timezone: string;
  timezoneOffset: string;
}

export interface CompanyProfile {
  id: number;
  name: string;
  domain: string;
  country: string;
  industry: string;
  currency: string;
  /** Currencies of deals and lead values, the home currency first. */
  currencies: string[];
  users: UserProfile[];
  counts: {
    persons: number;
    organizations: number;
    leads: number;
    archivedLeads: number;
    deals: number;
    notes: number;
    files: number;
    customProductFields: number;
  };
}

export const COMPANY_PROFILES: CompanyProfile[] = [
  {
    id: 8142001,
    name: 'Northwind Trading Inc.',
    domain: 'northwind-trading',
    country: 'US',
    industry: 'Wholesale',
    currency: 'USD',
    currencies: ['USD', 'EUR', 'GBP', 'CAD'],
    users: [
      {
        id: 20481001,
        name: 'Maria Kask',
        isAdmin: true,
        locale: 'en_US',
        timezone: 'America/New_York',
        timezoneOffset: '-05:00',
      },
      {
        id: 20481002,
        name: 'Jonas Berg',
        isAdmin: false,
        locale: 'en_US',
        timezone: 'America/Chicago',
        timezoneOffset: '-06:00',
      },
      {
        id: 20481003,
        name: 'Priya Nair',
        isAdmin: false,
        locale: 'en_GB',
        timezone: 'Europe/London',
        timezoneOffset: '+00:00',
      },
      {
        id: 20481004,
        name: 'Tomas Okafor',
        isAdmin: true,
        locale: 'en_US',
        timezone: 'America/Los_Angeles',
        timezoneOffset: '-08:00',
      },
    ],
    counts: {
      persons: 60,
      organizations: 25,
      leads: 262,
      archivedLeads: 30,
      deals: 80,
      notes: 180,
      files: 130,
      customProductFields: 5,
    },
  },
  {
    id: 8142377,
    name: 'Baltic Solar OÜ',
    domain: 'baltic-solar',
    country: 'EE',
    industry: 'Energy',
    currency: 'EUR',
    currencies: ['EUR', 'USD'],
    users: [
      {
        id: 20517740,
        name: 'Kadri Tamm',
        isAdmin: true,
        locale: 'et_EE',
        timezone: 'Europe/Tallinn',
        timezoneOffset: '+02:00',
      },
      {
        id: 20517741,
        name: 'Mihkel Saar',
        isAdmin: false,
        locale: 'en_US',
        timezone: 'Europe/Tallinn',
        timezoneOffset: '+02:00',
      },
    ],
    counts: {
      persons: 20,
      organizations: 8,
      leads: 45,
      archivedLeads: 6,
      deals: 24,
      notes: 40,
      files: 18,
      customProductFields: 2,
    },
  },
  {
    id: 8150512,
    name: 'Kestrel Analytics Ltd',
    domain: 'kestrel-analytics',
    country: 'GB',
    industry: 'Software',
    currency: 'GBP',
    currencies: ['GBP', 'EUR', 'USD'],
    users: [
      {
        id: 20602210,
        name: 'Oliver Hughes',
        isAdmin: true,
        locale: 'en_GB',
        timezone: 'Europe/London',
        timezoneOffset: '+00:00',
      },
      {
        id: 20602211,
        name: 'Amara Osei',
        isAdmin: false,
        locale: 'en_GB',
        timezone: 'Europe/London',
        timezoneOffset: '+00:00',
      },
      {
        id: 20602212,
        name: 'Lena Fischer',
        isAdmin: false,
        locale: 'de_DE',
        timezone: 'Europe/Berlin',
        timezoneOffset: '+01:00',
      },
    ],
    counts: {
      persons: 30,
      organizations: 12,
      leads: 70,
      archivedLeads: 8,
      deals: 36,
      notes: 60,
      files: 25,
      customProductFields: 3,
    },
  },
];

export const FIRST_NAMES = [
  'Alice',
  'Bruno',
  'Chiara',
  'Dmitri',
  'Elena',
  'Farid',
  'Grace',
  'Hiroshi',
  'Ines',
  'Jakub',
  'Keiko',
  'Liam',
  'Mona',
  'Nikhil',
  'Olga',
  'Pedro',
  'Quinn',
  'Rosa',
  'Sven',
  'Tara',
  'Umar',
  'Vera',
  'Wen',
  'Yusuf',
  'Zofia',
];

export const LAST_NAMES = [
  'Andersen',
  'Brown',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fernandes',
  'Garcia',
  'Hoffmann',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Novak',
  'Oliveira',
  'Petrov',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Virtanen',
];

export const ORGANIZATION_WORDS = [
  'Atlas',
  'Beacon',
  'Cobalt',
  'Delta',
  'Ember',
  'Fjord',
  'Granite',
  'Harbor',
  'Iris',
  'Juniper',
  'Keystone',
  'Lumen',
  'Meridian',
  'Nimbus',
  'Orchid',
  'Pioneer',
  'Quarry',
  'Redwood',
  'Summit',
  'Tidal',
];

export const ORGANIZATION_SUFFIXES = [
  'Logistics',
  'Foods',
  'Labs',
  'Partners',
  'Retail',
  'Systems',
  'Holdings',
  'Studio',
];

export const LEAD_TOPICS = [
  'Annual supply contract',
  'Pilot project',
  'Bulk order',
  'Service renewal',
  'Website inquiry',
  'Trade fair contact',
  'Referral',
  'Upsell: premium plan',
  'Warehouse expansion',
  'Onboarding package',
];

export const NOTE_SENTENCES = [
  'Called to confirm the delivery window.',
  'Asked for a revised quote with volume discount.',
  'Decision maker is on holiday until next week.',
  'Sent the product sheet and price list.',
  'Wants a demo for the finance team.',
  'Budget approved for the next quarter.',
  'Prefers contact by email, not phone.',
  'Competitor offered a lower price, follow up.',
  'Signed the NDA, waiting for requirements.',
  'Met at the trade fair booth.',
];

export const FILE_KINDS = [
  { extension: 'pdf', type: 'pdf', label: 'Quote' },
  { extension: 'docx', type: 'docx', label: 'Contract draft' },
  { extension: 'xlsx', type: 'xlsx', label: 'Price list' },
  { extension: 'png', type: 'img', label: 'Screenshot' },
  { extension: 'pdf', type: 'pdf', label: 'Invoice' },
];

export const CUSTOM_PRODUCT_FIELDS = [
  {
    name: 'Warranty',
    field_type: 'enum',
    options: ['None', '1 year', '2 years', '5 years'],
  },
  {
    name: 'Certifications',
    field_type: 'set',
    options: ['CE', 'ISO 9001', 'RoHS', 'UL'],
  },
  { name: 'Supplier SKU', field_type: 'varchar', options: null },
  { name: 'Launch date', field_type: 'date', options: null },
  { name: 'Weight (kg)', field_type: 'double', options: null },
];
