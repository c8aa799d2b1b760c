import type {
  CompanyRecord,
  DealRecord,
  FileRecord,
  FilterRecord,
  LeadLabelRecord,
  LeadRecord,
  NoteRecord,
  OrganizationRecord,
  PersonRecord,
  PipelineRecord,
  StageRecord,
  UserRecord,
} from '../state/sandbox-data';
import {
  COMPANY_PROFILES,
  DAY,
  HOUR,
  SEED,
  SEED_START,
  FILE_KINDS,
  FIRST_NAMES,
  LAST_NAMES,
  LEAD_TOPICS,
  NOTE_SENTENCES,
  ORGANIZATION_SUFFIXES,
  ORGANIZATION_WORDS,
  type CompanyProfile,
  type UserProfile,
} from './company-profiles';
import { buildProductFields } from './product-fields-seed';
import { SeededRandom } from './random';
import { isoDate, isoTime, sqlTime } from './time-format';

/** Builds the seeded companies with all their records. */
export function buildSeedCompanies(): CompanyRecord[] {
  const random = new SeededRandom(SEED);

  return COMPANY_PROFILES.map((profile, index) =>
    buildCompany(profile, index, random),
  );
}

function buildCompany(
  profile: CompanyProfile,
  index: number,
  random: SeededRandom,
): CompanyRecord {
  // Each company's ids start in their own range, so a record that leaks
  // into another company's response is easy to spot.
  const idBase = (index + 1) * 1000;
  const users = profile.users.map((user) => buildUser(user, profile, random));
  const userIds = users.map((user) => user.id);
  const organizations = buildOrganizations(profile, idBase, userIds, random);
  const persons = buildPersons(profile, idBase, userIds, organizations, random);
  const leadLabels = buildLeadLabels(random);
  const leads = buildLeads(profile, userIds, persons, leadLabels, random);
  const pipelines: PipelineRecord[] = [
    { id: idBase + 1, name: 'Sales pipeline' },
    { id: idBase + 2, name: 'Partnerships' },
  ];
  const stages = buildStages(pipelines);
  const deals = buildDeals(profile, idBase, userIds, persons, stages, random);
  const notes = buildNotes(
    profile,
    idBase,
    userIds,
    leads,
    deals,
    persons,
    random,
  );
  const files = buildFiles(
    profile,
    idBase,
    userIds,
    leads,
    deals,
    persons,
    random,
  );
  const productFields = buildProductFields(profile, idBase, userIds, random);
  const filters: FilterRecord[] = [
    {
      id: idBase + 1,
      name: `Leads owned by ${users[0].name}`,
      type: 'leads',
      conditions: { owner_id: users[0].id },
    },
    {
      id: idBase + 2,
      name: 'Open deals in the sales pipeline',
      type: 'deals',
      conditions: { status: 'open', pipeline_id: pipelines[0].id },
    },
  ];

  return {
    id: profile.id,
    name: profile.name,
    domain: profile.domain,
    country: profile.country,
    industry: profile.industry,
    currency: profile.currency,
    port: null,
    users,
    persons,
    organizations,
    leadLabels,
    leads,
    pipelines,
    stages,
    deals,
    notes,
    files,
    productFields,
    filters,
  };
}

function emailOf(name: string, domain: string): string {
  return `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@${domain}.example`;
}

function buildUser(
  profile: UserProfile,
  company: CompanyProfile,
  random: SeededRandom,
): UserRecord {
  const created = SEED_START - random.int(200, 900) * DAY;

  return {
    id: profile.id,
    name: profile.name,
    email: emailOf(profile.name, company.domain),
    is_admin: profile.isAdmin,
    phone: random.chance(0.5) ? `+1 555 01${random.int(10, 99)}` : null,
    locale: profile.locale,
    lang: 1,
    timezone_name: profile.timezone,
    timezone_offset: profile.timezoneOffset,
    default_currency: company.currency,
    role_id: profile.isAdmin ? 1 : 2,
    icon_url: null,
    created: sqlTime(created),
    last_login: sqlTime(SEED_START - random.int(1, 48) * HOUR),
    settings: {
      marketplace_team: false,
      list_limit: random.pick([50, 100]),
      beta_app: random.chance(0.3),
      prevent_salesphone_callto_override: false,
      file_upload_destination: 's3',
      callto_link_syntax: 'callto:[number]',
      autofill_deal_expected_close_date: random.chance(0.5),
      person_duplicate_condition: 'name && (org_id || email || phone)',
    },
  };
}

function buildOrganizations(
  profile: CompanyProfile,
  idBase: number,
  userIds: number[],
  random: SeededRandom,
): OrganizationRecord[] {
  return Array.from({ length: profile.counts.organizations }, (_, i) => {
    const added = SEED_START - random.int(30, 400) * DAY;

    return {
      id: idBase + i + 1,
      name: `${random.pick(ORGANIZATION_WORDS)} ${random.pick(ORGANIZATION_SUFFIXES)}`,
      owner_id: random.pick(userIds),
      address: `${random.int(1, 200)} Harbour Street`,
      add_time: sqlTime(added),
      update_time: sqlTime(added + random.int(0, 30) * DAY),
    };
  });
}

function buildPersons(
  profile: CompanyProfile,
  idBase: number,
  userIds: number[],
  organizations: OrganizationRecord[],
  random: SeededRandom,
): PersonRecord[] {
  return Array.from({ length: profile.counts.persons }, (_, i) => {
    const name = `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`;
    const added = SEED_START - random.int(30, 400) * DAY;

    return {
      id: idBase + i + 1,
      name,
      email: emailOf(name, 'customer'),
      org_id: random.chance(0.8) ? random.pick(organizations).id : null,
      owner_id: random.pick(userIds),
      add_time: sqlTime(added),
      update_time: sqlTime(added + random.int(0, 30) * DAY),
    };
  });
}

function buildLeadLabels(random: SeededRandom): LeadLabelRecord[] {
  return [
    { id: random.uuid(), name: 'Hot', color: 'red' },
    { id: random.uuid(), name: 'Warm', color: 'yellow' },
    { id: random.uuid(), name: 'Cold', color: 'blue' },
  ];
}

function buildLeads(
  profile: CompanyProfile,
  userIds: number[],
  persons: PersonRecord[],
  labels: LeadLabelRecord[],
  random: SeededRandom,
): LeadRecord[] {
  const total = profile.counts.leads + profile.counts.archivedLeads;
  const leads: LeadRecord[] = [];
  for (let i = 0; i < total; i++) {
    // Creation times rise with the index: Pipedrive lists leads oldest first.
    const added = SEED_START + i * 7 * HOUR + random.int(0, 300) * 1000;
    const person = random.chance(0.75) ? random.pick(persons) : null;
    const organizationId =
      person?.org_id ?? (random.chance(0.3) ? persons[0].org_id : null);
    const ownerId = random.pick(userIds);
    const fromApi = random.chance(0.4);
    leads.push({
      id: random.uuid(),
      title: `${random.pick(LEAD_TOPICS)} #${i + 1}`,
      owner_id: ownerId,
      creator_id: random.chance(0.8) ? ownerId : userIds[0],
      label_ids: random
        .sample(labels, random.int(0, 2))
        .map((label) => label.id),
      person_id: person?.id ?? (organizationId ? null : persons[1].id),
      organization_id: organizationId,
      source_name: fromApi ? 'API' : 'Manually created',
      origin: fromApi ? 'API' : 'ManuallyCreated',
      origin_id: fromApi && random.chance(0.5) ? `crm-sync-${i + 1}` : null,
      channel: random.chance(0.3) ? random.int(1, 5) : null,
      channel_id: null,
      source_deal_id: null,
      is_archived: i % Math.ceil(total / profile.counts.archivedLeads) === 3,
      was_seen: random.chance(0.6),
      value: random.chance(0.7)
        ? {
            amount: random.int(5, 500) * 100,
            currency: random.pick(profile.currencies),
          }
        : null,
      expected_close_date: random.chance(0.5)
        ? isoDate(added + random.int(14, 120) * DAY)
        : null,
      next_activity_id: random.chance(0.3) ? random.int(100, 999) : null,
      add_time: isoTime(added),
      update_time: isoTime(added + random.int(0, 20) * DAY),
      visible_to: random.pick(['1', '3', '3', '7'] as const),
      cc_email: `${profile.domain}+${profile.id}+lead${random.hex(12)}@pipedrivemail.example`,
    });
  }

  return leads;
}

function buildStages(pipelines: PipelineRecord[]): StageRecord[] {
  const names = ['Qualified', 'Proposal made', 'Negotiation', 'Closing'];
  const stages: StageRecord[] = [];
  for (const pipeline of pipelines) {
    names.forEach((name, order) => {
      stages.push({
        id: pipeline.id * 10 + order + 1,
        pipeline_id: pipeline.id,
        name,
        deal_probability: 25 * (order + 1),
      });
    });
  }

  return stages;
}

function buildDeals(
  profile: CompanyProfile,
  idBase: number,
  userIds: number[],
  persons: PersonRecord[],
  stages: StageRecord[],
  random: SeededRandom,
): DealRecord[] {
  return Array.from({ length: profile.counts.deals }, (_, i) => {
    const stage = random.pick(stages);
    const person = random.pick(persons);
    const added = SEED_START + i * 11 * HOUR;
    const status = random.pick([
      'open',
      'open',
      'open',
      'won',
      'lost',
    ] as const);

    return {
      id: idBase + i + 1,
      title: `${person.name.split(' ')[1]} deal ${i + 1}`,
      value: random.int(2, 400) * 250,
      currency: random.pick(profile.currencies),
      status,
      user_id: random.pick(userIds),
      person_id: person.id,
      org_id: person.org_id,
      pipeline_id: stage.pipeline_id,
      stage_id: stage.id,
      probability: random.chance(0.3) ? random.int(1, 9) * 10 : null,
      add_time: sqlTime(added),
      update_time: sqlTime(added + random.int(0, 15) * DAY),
      expected_close_date: isoDate(added + random.int(10, 90) * DAY),
      is_deleted: false,
    };
  });
}

function buildNotes(
  profile: CompanyProfile,
  idBase: number,
  userIds: number[],
  leads: LeadRecord[],
  deals: DealRecord[],
  persons: PersonRecord[],
  random: SeededRandom,
): NoteRecord[] {
  return Array.from({ length: profile.counts.notes }, (_, i) => {
    const added = SEED_START + i * 9 * HOUR + random.int(0, 3000) * 1000;
    const author = random.pick(userIds);
    const note: NoteRecord = {
      id: idBase + i + 1,
      user_id: author,
      last_update_user_id: author,
      content: `<p>${random.pick(NOTE_SENTENCES)}</p>`,
      deal_id: null,
      lead_id: null,
      person_id: null,
      org_id: null,
      project_id: null,
      task_id: null,
      add_time: sqlTime(added),
      update_time: sqlTime(added + random.int(0, 10) * DAY),
      active_flag: true,
      pinned_to_lead_flag: false,
      pinned_to_deal_flag: false,
      pinned_to_organization_flag: false,
      pinned_to_person_flag: false,
      pinned_to_project_flag: false,
      pinned_to_task_flag: false,
    };
    // Attach in rotation so every kind of parent has notes.
    switch (i % 4) {
      case 0: {
        note.lead_id = random.pick(leads).id;
        note.pinned_to_lead_flag = random.chance(0.2);
        break;
      }
      case 1: {
        const deal = random.pick(deals);
        note.deal_id = deal.id;
        note.person_id = deal.person_id;
        note.org_id = deal.org_id;
        note.pinned_to_deal_flag = random.chance(0.25);
        break;
      }
      case 2: {
        const person = random.pick(persons);
        note.person_id = person.id;
        note.org_id = person.org_id;
        note.pinned_to_person_flag = random.chance(0.25);
        break;
      }
      default: {
        note.org_id =
          random.pick(persons.filter((person) => person.org_id)).org_id ?? null;
        note.pinned_to_organization_flag = random.chance(0.25);
      }
    }

    return note;
  });
}

function buildFiles(
  profile: CompanyProfile,
  idBase: number,
  userIds: number[],
  leads: LeadRecord[],
  deals: DealRecord[],
  persons: PersonRecord[],
  random: SeededRandom,
): FileRecord[] {
  return Array.from({ length: profile.counts.files }, (_, i) => {
    const kind = random.pick(FILE_KINDS);
    const added = SEED_START + i * 13 * HOUR;
    const remoteId = random.hex(24);
    const fileName = `${kind.label.toLowerCase().replace(/ /g, '-')}-${i + 1}.${kind.extension}`;
    const deal = i % 3 === 0 ? random.pick(deals) : null;
    const person = i % 3 === 1 ? random.pick(persons) : null;
    const lead = i % 3 === 2 ? random.pick(leads) : null;

    return {
      id: idBase + i + 1,
      user_id: random.pick(userIds),
      deal_id: deal?.id ?? null,
      person_id: person?.id ?? deal?.person_id ?? null,
      org_id: person?.org_id ?? deal?.org_id ?? null,
      product_id: null,
      activity_id: null,
      lead_id: lead?.id ?? null,
      add_time: sqlTime(added),
      update_time: sqlTime(added + random.int(0, 5) * DAY),
      file_name: fileName,
      file_type: kind.type,
      file_size: random.int(8, 4096) * 1024,
      active_flag: true,
      inline_flag: false,
      remote_location: 's3',
      remote_id: remoteId,
      s3_bucket: `${profile.domain}-files`,
      name: fileName,
      description: `${kind.label} ${i + 1}`,
    };
  });
}
