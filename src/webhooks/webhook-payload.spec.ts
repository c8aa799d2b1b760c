import { type GatewayException } from '../common/errors/gateway.exception';
import { parseWebhookPayload } from './webhook-payload';

const v2Body = {
  meta: {
    action: 'change',
    entity: 'deal',
    entity_id: '42',
    company_id: '1001',
    user_id: '7',
    id: '7f0c1c2e-1d1e-4a57-9d55-2c0f6d8f2a11',
    timestamp: '2026-01-02T03:04:05.000Z',
    version: '2.0',
    webhook_id: '12',
    attempt: 2,
  },
  data: { id: 42, title: 'New title' },
  previous: { title: 'Old title' },
};

const v1Body = {
  v: 1,
  meta: {
    v: 1,
    action: 'updated',
    object: 'deal',
    id: 42,
    company_id: 1001,
    user_id: 7,
    timestamp: 1767323045,
    timestamp_micro: 1767323045000000,
    webhook_id: '12',
  },
  retry: 1,
  current: { id: 42, title: 'New title' },
  previous: { id: 42, title: 'Old title' },
  event: 'updated.deal',
};

function statusOf(body: unknown): number {
  try {
    parseWebhookPayload(body);
  } catch (error) {
    return (error as GatewayException).getStatus();
  }

  return 200;
}

describe('parseWebhookPayload', () => {
  it('reads a version 2.0 payload', () => {
    const parsed = parseWebhookPayload(v2Body);

    expect(parsed).toMatchObject({
      version: '2.0',
      eventId: v2Body.meta.id,
      companyId: 1001,
      object: 'deal',
      action: 'change',
      entityId: '42',
      userId: 7,
      webhookId: 12,
      attempt: 2,
    });
    expect(parsed.occurredAt?.toISOString()).toBe(v2Body.meta.timestamp);
    expect(parsed.data).toEqual(v2Body.data);
  });

  it('reads a version 1.0 payload in v2 terms', () => {
    const parsed = parseWebhookPayload(v1Body);

    expect(parsed).toMatchObject({
      version: '1.0',
      companyId: 1001,
      object: 'deal',
      action: 'change',
      entityId: '42',
      webhookId: 12,
      attempt: 2,
    });
    expect(parsed.eventId).toMatch(/^v1-[0-9a-f]{64}$/);
    expect(parsed.data).toEqual(v1Body.current);
  });

  it('derives the same v1 event id for every retry', () => {
    const first = parseWebhookPayload({ ...v1Body, retry: 0 });
    const retry = parseWebhookPayload({ ...v1Body, retry: 3 });

    expect(retry.eventId).toBe(first.eventId);
  });

  it('derives different v1 event ids for different events', () => {
    const first = parseWebhookPayload(v1Body);
    const later = parseWebhookPayload({
      ...v1Body,
      meta: {
        ...v1Body.meta,
        timestamp_micro: v1Body.meta.timestamp_micro + 1,
      },
    });
    const deleted = parseWebhookPayload({
      ...v1Body,
      meta: { ...v1Body.meta, action: 'deleted' },
    });

    expect(later.eventId).not.toBe(first.eventId);
    expect(deleted.eventId).not.toBe(first.eventId);
    expect(deleted.action).toBe('delete');
  });

  it.each([
    ['an array body', []],
    ['a missing meta', { data: {} }],
    ['a v2 meta without id', { meta: { ...v2Body.meta, id: undefined } }],
    [
      'a v2 meta with a bad company id',
      { meta: { ...v2Body.meta, company_id: 'x' } },
    ],
    [
      'a v2 meta with an uppercase entity',
      { meta: { ...v2Body.meta, entity: 'Deal' } },
    ],
    [
      'a v1 meta without timestamp',
      {
        meta: {
          ...v1Body.meta,
          timestamp: undefined,
          timestamp_micro: undefined,
        },
      },
    ],
    ['a meta of neither version', { meta: { action: 'change' } }],
  ])('rejects %s with 400', (_name, body) => {
    expect(statusOf(body)).toBe(400);
  });
});
