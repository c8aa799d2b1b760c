/**
 * The sandbox's whole mutable state as plain JSON, so it can be saved to the
 * state file and restored as is. Records keep Pipedrive's field names and
 * value types, so API handlers return them with little reshaping.
 */

export interface UserRecord {
  id: number;
  name: string;
  email: string;
  is_admin: boolean;
  phone: string | null;
  locale: string;
  lang: number;
  timezone_name: string;
  timezone_offset: string;
  default_currency: string;
  role_id: number;
  icon_url: string | null;
  created: string;
  last_login: string;
  settings: UserSettingsRecord;
}

export interface UserSettingsRecord {
  marketplace_team: boolean;
  list_limit: number;
  beta_app: boolean;
  prevent_salesphone_callto_override: boolean;
  file_upload_destination: string;
  callto_link_syntax: string;
  autofill_deal_expected_close_date: boolean;
  person_duplicate_condition: string;
}

export interface PersonRecord {
  id: number;
  name: string;
  email: string;
  org_id: number | null;
  owner_id: number;
  add_time: string;
  update_time: string;
}

export interface OrganizationRecord {
  id: number;
  name: string;
  owner_id: number;
  address: string;
  add_time: string;
  update_time: string;
}

export interface LeadRecord {
  id: string;
  title: string;
  owner_id: number;
  creator_id: number;
  label_ids: string[];
  person_id: number | null;
  organization_id: number | null;
  source_name: string;
  origin: string;
  origin_id: string | null;
  channel: number | null;
  channel_id: string | null;
  source_deal_id: number | null;
  is_archived: boolean;
  was_seen: boolean;
  value: { amount: number; currency: string } | null;
  expected_close_date: string | null;
  next_activity_id: number | null;
  add_time: string;
  update_time: string;
  visible_to: '1' | '3' | '5' | '7';
  cc_email: string;
}

export interface LeadLabelRecord {
  id: string;
  name: string;
  color: string;
}

export interface DealRecord {
  id: number;
  title: string;
  value: number;
  currency: string;
  status: 'open' | 'won' | 'lost';
  user_id: number;
  person_id: number | null;
  org_id: number | null;
  pipeline_id: number;
  stage_id: number;
  probability: number | null;
  add_time: string;
  update_time: string;
  expected_close_date: string | null;
  is_deleted: boolean;
}

export interface StageRecord {
  id: number;
  pipeline_id: number;
  name: string;
  deal_probability: number;
}

export interface PipelineRecord {
  id: number;
  name: string;
}

export interface NoteRecord {
  id: number;
  user_id: number;
  last_update_user_id: number;
  content: string;
  deal_id: number | null;
  lead_id: string | null;
  person_id: number | null;
  org_id: number | null;
  project_id: number | null;
  task_id: number | null;
  add_time: string;
  update_time: string;
  active_flag: boolean;
  pinned_to_lead_flag: boolean;
  pinned_to_deal_flag: boolean;
  pinned_to_organization_flag: boolean;
  pinned_to_person_flag: boolean;
  pinned_to_project_flag: boolean;
  pinned_to_task_flag: boolean;
}

export interface FileRecord {
  id: number;
  user_id: number;
  deal_id: number | null;
  person_id: number | null;
  org_id: number | null;
  product_id: number | null;
  activity_id: number | null;
  lead_id: string | null;
  add_time: string;
  update_time: string;
  file_name: string;
  file_type: string;
  file_size: number;
  active_flag: boolean;
  inline_flag: boolean;
  remote_location: string;
  remote_id: string;
  s3_bucket: string;
  name: string;
  description: string;
}

export interface ProductFieldRecord {
  id: number;
  key: string;
  name: string;
  order_nr: number;
  field_type: string;
  add_time: string;
  update_time: string;
  last_updated_by_user_id: number;
  created_by_user_id: number;
  active_flag: boolean;
  edit_flag: boolean;
  add_visible_flag: boolean;
  important_flag: boolean;
  bulk_edit_allowed: boolean;
  searchable_flag: boolean;
  filtering_allowed: boolean;
  sortable_flag: boolean;
  mandatory_flag: boolean;
  options?: Array<{ id: number; label: string }>;
}

/** A saved filter. `conditions` contains the field values a record must have. */
export interface FilterRecord {
  id: number;
  name: string;
  type: 'leads' | 'deals';
  conditions: Record<string, number | string>;
}

export interface CompanyRecord {
  id: number;
  name: string;
  domain: string;
  country: string;
  industry: string;
  currency: string;
  /** Port of this company's API listener, which makes its api_domain. */
  port: number | null;
  users: UserRecord[];
  persons: PersonRecord[];
  organizations: OrganizationRecord[];
  leadLabels: LeadLabelRecord[];
  leads: LeadRecord[];
  pipelines: PipelineRecord[];
  stages: StageRecord[];
  deals: DealRecord[];
  notes: NoteRecord[];
  files: FileRecord[];
  productFields: ProductFieldRecord[];
  filters: FilterRecord[];
}

export type TokenKind = 'access' | 'refresh';

/** A token as stored: only the SHA-256 of its value, never the value. */
export interface TokenRecord {
  id: string;
  kind: TokenKind;
  companyId: number;
  userId: number;
  scopes: string[];
  issuedAt: number;
  /** Expiry in epoch milliseconds. For refresh tokens, the end of the unused window. */
  expiresAt: number;
  /** For access tokens, the refresh token they were granted with. */
  refreshTokenId: string | null;
  revoked: boolean;
}

export interface WebhookRecord {
  id: number;
  company_id: number;
  owner_id: number;
  user_id: number;
  event_action: string;
  event_object: string;
  subscription_url: string;
  version: string;
  is_active: 0 | 1;
  add_time: string;
  remove_time: string | null;
  type: 'general' | 'application';
  http_auth_user: string | null;
  http_auth_password: string | null;
  remove_reason: string | null;
  last_delivery_time: string | null;
  last_http_status: number | null;
  admin_id: number;
  name: string;
}

export interface SandboxData {
  version: 1;
  appScopes: string[];
  companies: CompanyRecord[];
  /** Keyed by the SHA-256 hex digest of the token value. */
  tokens: Record<string, TokenRecord>;
  webhooks: WebhookRecord[];
  nextWebhookId: number;
  /**
   * OAuth port of the sandbox that assigned the company ports. Missing in
   * state files written before it was recorded.
   */
  oauthPort?: number;
}
