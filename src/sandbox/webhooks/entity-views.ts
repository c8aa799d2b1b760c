import { isoTime, parseTime } from '../seed/time-format';

export const ENTITY_OBJECTS = [
  'lead',
  'deal',
  'note',
  'person',
  'organization',
] as const;

export type EntityObject = (typeof ENTITY_OBJECTS)[number];

const TIME_FIELDS = new Set(['add_time', 'update_time']);

/**
 * Shapes a record, or the changed fields of one, as API v2 returns it:
 * RFC 3339 times, `owner_id` for deals, arrays of emails, custom fields apart.
 */
export function toV2View(object: EntityObject, record: object): object {
  const view: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(record)) {
    if (TIME_FIELDS.has(field) && typeof value === 'string') {
      view[field] = isoTime(parseTime(value));
    } else if (object === 'deal' && field === 'user_id') {
      view.owner_id = value;
    } else if (object === 'person' && field === 'email') {
      view.emails = [{ value, primary: true, label: 'work' }];
    } else if (object === 'organization' && field === 'address') {
      view.address = { value };
    } else {
      view[field] = value;
    }
  }
  if ('id' in record && object !== 'note') {
    view.custom_fields = {};
  }

  return view;
}

/** Shapes a record as API v1 returns it; sandbox records already are. */
export function toV1View(object: EntityObject, record: object): object {
  if (object === 'person' && 'email' in record) {
    const { email, ...rest } = record as { email: string };

    return { ...rest, email: [{ value: email, primary: true, label: 'work' }] };
  }

  return { ...record };
}
