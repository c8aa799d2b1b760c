/** Emitted for every stored webhook event, whatever its object and action. */
export const PIPEDRIVE_WEBHOOK_EVENT = 'pipedrive.webhook';

/**
 * Name of the in-process event for one object and action, such as
 * `pipedrive.deal.change`. Version 1.0 actions are given in version 2.0
 * terms: added is `create`, updated is `change`, deleted is `delete`,
 * merged is `merge`.
 */
export function pipedriveEventName(object: string, action: string): string {
  return `pipedrive.${object}.${action}`;
}

/** A webhook event from Pipedrive, stored once and then emitted in process. */
export interface PipedriveWebhookEvent {
  /** The stored row's id (`GET /admin/webhook-events`). */
  id: string;
  /** Pipedrive's event id (v2 `meta.id`), or a stable hash for v1 events. */
  eventId: string;
  companyId: number;
  /** Payload version: `1.0` or `2.0`. */
  version: '1.0' | '2.0';
  /** `deal`, `person`, `lead`... (v2 `meta.entity`, v1 `meta.object`). */
  object: string;
  /** `create`, `change`, `delete` or `merge`. */
  action: string;
  /** The changed record's id as a string (lead ids are UUIDs). */
  entityId: string | null;
  /** The acting Pipedrive user, when the payload names one. */
  userId: number | null;
  occurredAt: Date | null;
  receivedAt: Date;
  /** The record after the change (v2 `data`, v1 `current`); null on delete. */
  data: Record<string, unknown> | null;
  /** v2: the changed fields before the change; v1: the previous record. */
  previous: Record<string, unknown> | null;
  /** Pipedrive's `meta` object as delivered. */
  meta: Record<string, unknown>;
}
