import type { WebhookRecord } from '../state/sandbox-data';
import { toV1View, toV2View, type EntityObject } from './entity-views';

export type EventAction = 'create' | 'change' | 'delete';

/** One change to a record, delivered to every matching subscription. */
export interface RecordEvent {
  id: string;
  correlationId: string;
  companyId: number;
  userId: number;
  object: EntityObject;
  action: EventAction;
  entityId: number | string;
  /** The record after the change; null after a delete. */
  current: object | null;
  /** Changed fields before the change (the whole record on delete); null on create. */
  previous: object | null;
  timestamp: number;
  host: string;
  permittedUserIds: number[];
}

const V1_ACTIONS: Record<EventAction, string> = {
  create: 'added',
  change: 'updated',
  delete: 'deleted',
};

/** Builds the version 2.0 body; `attempt` counts from 1. */
export function buildV2Payload(
  event: RecordEvent,
  webhook: WebhookRecord,
  attempt: number,
): object {
  return {
    meta: {
      action: event.action,
      entity: event.object,
      entity_id: String(event.entityId),
      company_id: String(event.companyId),
      user_id: String(event.userId),
      id: event.id,
      correlation_id: event.correlationId,
      is_bulk_edit: false,
      timestamp: new Date(event.timestamp).toISOString(),
      type: webhook.type,
      version: '2.0',
      webhook_id: String(webhook.id),
      webhook_owner_id: String(webhook.owner_id),
      change_source: 'api',
      attempt,
      host: event.host,
      permitted_user_ids: event.permittedUserIds.map(String),
    },
    data: event.current && toV2View(event.object, event.current),
    previous: event.previous && toV2View(event.object, event.previous),
  };
}

/** Builds the version 1.0 body; `retry` counts from 0. */
export function buildV1Payload(
  event: RecordEvent,
  webhook: WebhookRecord,
  retry: number,
): object {
  const action = V1_ACTIONS[event.action];

  return {
    v: 1,
    matches_filters: { current: [] },
    meta: {
      v: 1,
      action,
      object: event.object,
      id: event.entityId,
      company_id: event.companyId,
      user_id: event.userId,
      host: event.host,
      timestamp: Math.floor(event.timestamp / 1000),
      timestamp_micro: event.timestamp * 1000,
      permitted_user_ids: event.permittedUserIds,
      trans_pending: false,
      is_bulk_update: false,
      pipedrive_service_name: false,
      matches_filters: { current: [] },
      webhook_id: String(webhook.id),
      change_source: 'api',
    },
    retry,
    current: event.current && toV1View(event.object, event.current),
    previous: event.previous && toV1View(event.object, event.previous),
    event: `${action}.${event.object}`,
  };
}
