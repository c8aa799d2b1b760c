import { GatewayException } from '../common/errors/gateway.exception';
import { sha256Hex } from '../crypto/secret-hash';

/** The fields of a delivery that the gateway stores and routes on. */
export interface ParsedWebhookPayload {
  version: '1.0' | '2.0';
  eventId: string;
  companyId: number;
  object: string;
  action: string;
  entityId: string | null;
  userId: number | null;
  webhookId: number | null;
  attempt: number | null;
  occurredAt: Date | null;
  data: Record<string, unknown> | null;
  previous: Record<string, unknown> | null;
  meta: Record<string, unknown>;
}

const V1_ACTIONS: Record<string, string> = {
  added: 'create',
  updated: 'change',
  deleted: 'delete',
  merged: 'merge',
};
const NAME_PATTERN = /^[a-z][a-z_]{0,31}$/;
const V2_EVENT_ID_PATTERN = /^[A-Za-z0-9-]{1,100}$/;

/**
 * Parses a version 2.0 (`meta.entity`, string ids, `meta.id` event UUID)
 * or version 1.0 (`meta.object`, numeric ids, `meta.action` added/updated/
 * deleted/merged) delivery. Throws 400 naming the first invalid field.
 */
export function parseWebhookPayload(body: unknown): ParsedWebhookPayload {
  if (!isObject(body)) {
    throw invalid('body', 'must be a JSON object');
  }
  const meta = body.meta;
  if (!isObject(meta)) {
    throw invalid('meta', 'is missing or not an object');
  }
  if (meta.version === '2.0' || ('entity' in meta && !('object' in meta))) {
    return parseV2(body, meta);
  }
  if (meta.v === 1 || body.v === 1 || 'object' in meta) {
    return parseV1(body, meta);
  }
  throw invalid(
    'meta',
    'must be a version 2.0 (meta.entity) or 1.0 (meta.object) payload',
  );
}

function parseV2(
  body: Record<string, unknown>,
  meta: Record<string, unknown>,
): ParsedWebhookPayload {
  const eventId = meta.id;
  if (typeof eventId !== 'string' || !V2_EVENT_ID_PATTERN.test(eventId)) {
    throw invalid('meta.id', 'must be the event id string');
  }
  const object = requireName(meta, 'entity');
  const action = requireName(meta, 'action');

  return {
    version: '2.0',
    eventId,
    companyId: requireId(meta, 'company_id'),
    object,
    action,
    entityId: optionalEntityId(meta.entity_id),
    userId: optionalId(meta.user_id),
    webhookId: optionalId(meta.webhook_id),
    attempt:
      typeof meta.attempt === 'number' && Number.isInteger(meta.attempt)
        ? meta.attempt
        : null,
    occurredAt: parseTimestamp(meta.timestamp),
    data: isObject(body.data) ? body.data : null,
    previous: isObject(body.previous) ? body.previous : null,
    meta,
  };
}

function parseV1(
  body: Record<string, unknown>,
  meta: Record<string, unknown>,
): ParsedWebhookPayload {
  const object = requireName(meta, 'object');
  const rawAction = requireName(meta, 'action');
  const action = V1_ACTIONS[rawAction] ?? rawAction;
  const companyId = requireId(meta, 'company_id');
  const entityId = optionalEntityId(meta.id);
  const webhookId = optionalId(meta.webhook_id);
  const micro = meta.timestamp_micro ?? meta.timestamp;
  if (typeof micro !== 'number' && typeof micro !== 'string') {
    throw invalid('meta.timestamp', 'is missing');
  }
  // Version 1.0 payloads carry no event id. These fields are the same in
  // every retry of one event and differ between two events.
  const eventId = `v1-${sha256Hex(
    [companyId, webhookId, object, rawAction, entityId, micro].join('|'),
  )}`;
  const retry = body.retry;
  const seconds =
    typeof meta.timestamp === 'number' ? meta.timestamp * 1000 : null;

  return {
    version: '1.0',
    eventId,
    companyId,
    object,
    action,
    entityId,
    userId: optionalId(meta.user_id),
    webhookId,
    attempt:
      typeof retry === 'number' && Number.isInteger(retry) ? retry + 1 : null,
    occurredAt: seconds === null ? null : new Date(seconds),
    data: isObject(body.current) ? body.current : null,
    previous: isObject(body.previous) ? body.previous : null,
    meta,
  };
}

function requireName(meta: Record<string, unknown>, field: string): string {
  const value = meta[field];
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw invalid(`meta.${field}`, 'must be a lowercase name');
  }

  return value;
}

function requireId(meta: Record<string, unknown>, field: string): number {
  const id = optionalId(meta[field]);
  if (id === null) {
    throw invalid(`meta.${field}`, 'must be a positive integer');
  }

  return id;
}

/** Accepts v2 string ids and v1 numeric ids. */
function optionalId(value: unknown): number | null {
  const id =
    typeof value === 'string' && /^\d{1,15}$/.test(value)
      ? Number(value)
      : value;

  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0
    ? id
    : null;
}

function optionalEntityId(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    return String(value);
  }

  return typeof value === 'string' && value.length > 0 && value.length <= 64
    ? value
    : null;
}

function parseTimestamp(value: unknown): Date | null {
  if (typeof value !== 'string' && typeof value !== 'number') {
    return null;
  }
  const date = new Date(value);

  return Number.isNaN(date.getTime()) ? null : date;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(field: string, rule: string): GatewayException {
  const message = `${field} ${rule}`;

  return new GatewayException(400, 'validation_failed', message, {
    fields: [{ field, rule: 'webhookPayload', message }],
  });
}
