import { createHash } from 'node:crypto';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { parseEncryptionKeys } from '../../src/config/load-config';
import { TokenCipher } from '../../src/crypto/token-cipher';
import { GatewayMetrics } from '../../src/metrics/gateway-metrics';
import { type PipedriveWebhookEvent } from '../../src/webhooks/pipedrive-webhook-event';
import {
  control,
  getAs,
  installThroughConsent,
  readJson,
} from '../support/install';
import { startStack, type TestStack } from '../support/stack';

interface SandboxWebhook {
  id: number;
  subscription_url: string;
  http_auth_user: string | null;
  http_auth_password: string | null;
  version: string;
  last_delivery_time: string | null;
}

interface StoredEvent {
  company_id: string;
  event_id: string;
  object: string;
  action: string;
  version: string;
  entity_id: string | null;
  attempt: number | null;
}

const sha256 = (value: string) =>
  createHash('sha256').update(value).digest('hex');
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('webhooks through the gateway', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // Deliveries that take over one second count as failed and are retried
    // after 50, 100 and 200 ms (set by startStack).
    stack = await startStack({ sandbox: { webhookTimeoutMs: 1000 } });
  });

  afterAll(async () => {
    await stack.close();
  });

  beforeEach(async () => {
    await control(stack, 'reset', {});
    await stack.db.query('DELETE FROM webhook_events');
    await stack.db.query('DELETE FROM webhook_subscriptions');
    // Installations stay: deleting their rows behind the gateway's back
    // would leave stale entries in its installation cache. Each test
    // installs again, which stores the fresh tokens of the reset sandbox.
  });

  function subscribe(
    companyId: number,
    body: Record<string, unknown>,
  ): Promise<Response> {
    return fetch(`${stack.url}/companies/${companyId}/api/v1/webhooks`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.adminKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'Deal changes', ...body }),
    });
  }

  /** The company's webhooks as the sandbox stores them, passwords included. */
  async function sandboxWebhooks(companyId: number): Promise<SandboxWebhook[]> {
    const row = await stack.db.query(
      "SELECT id, token_key_id, access_token_ciphertext FROM installations WHERE company_id = $1 AND status = 'active'",
      [companyId],
    );
    const cipher = new TokenCipher(
      parseEncryptionKeys(stack.env.TOKEN_ENCRYPTION_KEYS, []),
    );
    const token = cipher.decrypt(
      {
        keyId: row.rows[0].token_key_id,
        ciphertext: row.rows[0].access_token_ciphertext,
      },
      `${row.rows[0].id}:access`,
    );
    const response = await fetch(
      `${stack.sandbox.apiDomain(companyId)}/api/v1/webhooks`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );

    return ((await response.json()) as { data: SandboxWebhook[] }).data;
  }

  async function storedEvents(companyId?: number): Promise<StoredEvent[]> {
    const result = await stack.db.query(
      companyId === undefined
        ? 'SELECT * FROM webhook_events ORDER BY received_at'
        : 'SELECT * FROM webhook_events WHERE company_id = $1 ORDER BY received_at',
      companyId === undefined ? [] : [companyId],
    );

    return result.rows as StoredEvent[];
  }

  function emitSandboxEvent(
    companyId: number,
    object = 'deal',
    action = 'change',
  ) {
    return control<{ eventId: string; deliveries: number }>(stack, 'events', {
      companyId,
      object,
      action,
    });
  }

  function deliver(
    companyId: number,
    body: string,
    authorization?: string,
  ): Promise<Response> {
    return fetch(`${stack.url}/webhooks/pipedrive/${companyId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(authorization ? { authorization } : {}),
      },
      body,
    });
  }

  async function webhookEventCount(result: string): Promise<number> {
    const metric = await stack.app.get(GatewayMetrics).webhookEvents.get();

    return (
      metric.values.find((value) => value.labels.result === result)?.value ?? 0
    );
  }

  const duplicateCount = () => webhookEventCount('duplicate');

  it('stores a version 2.0 delivery once and emits it', async () => {
    const { companyId } = await installThroughConsent(stack);
    const emitted: PipedriveWebhookEvent[] = [];
    const emitter = stack.app.get(EventEmitter2);
    const listener = (event: PipedriveWebhookEvent) => emitted.push(event);
    emitter.on('pipedrive.deal.change', listener);

    try {
      const response = await subscribe(companyId, {
        event_action: 'change',
        event_object: 'deal',
      });
      const text = await response.text();
      const created = JSON.parse(text);

      expect(response.status).toBe(201);
      expect(created.data.subscription_url).toBe(
        `${stack.url}/webhooks/pipedrive/${companyId}`,
      );
      expect(created.data.version).toBe('2.0');
      expect(created.data.http_auth_password).toBeNull();
      const [atSandbox] = await sandboxWebhooks(companyId);
      expect(atSandbox.http_auth_password).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      expect(text).not.toContain(atSandbox.http_auth_password);
      const stored = await stack.db.query(
        'SELECT http_auth_user, http_auth_password_hash FROM webhook_subscriptions WHERE company_id = $1',
        [companyId],
      );
      expect(stored.rows[0].http_auth_user).toBe(atSandbox.http_auth_user);
      expect(stored.rows[0].http_auth_password_hash).toBe(
        sha256(atSandbox.http_auth_password!),
      );

      const sent = await emitSandboxEvent(companyId);
      expect(sent.deliveries).toBe(1);
      const [event] = await waitFor(async () => {
        const rows = await storedEvents();
        return rows.length > 0 && rows;
      }, 'the stored event');

      expect(Number(event.company_id)).toBe(companyId);
      expect(event.event_id).toBe(sent.eventId);
      expect(event.object).toBe('deal');
      expect(event.action).toBe('change');
      expect(event.version).toBe('2.0');
      expect(event.attempt).toBe(1);
      await waitFor(async () => emitted.length > 0, 'the in-process event');
      expect(emitted[0]).toMatchObject({
        eventId: sent.eventId,
        companyId,
        object: 'deal',
        action: 'change',
        version: '2.0',
      });
      expect(emitted[0].data).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await storedEvents()).toHaveLength(1);
    } finally {
      emitter.off('pipedrive.deal.change', listener);
    }
  });

  it('acknowledges before slow listeners finish', async () => {
    const { companyId } = await installThroughConsent(stack);
    await subscribe(companyId, {
      event_action: 'change',
      event_object: 'deal',
    });
    const emitter = stack.app.get(EventEmitter2);
    let finished = 0;
    // Returns a promise, which emitAsync would wait for if the receiver
    // awaited it before responding.
    const slowListener = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      finished++;
    }) as () => void;
    emitter.on('pipedrive.webhook', slowListener);

    try {
      const [webhook] = await sandboxWebhooks(companyId);
      const started = Date.now();
      const response = await deliver(
        companyId,
        JSON.stringify({
          meta: {
            id: '5d1f3c0e-8b7a-4c2e-9f00-1a2b3c4d5e6f',
            entity: 'deal',
            action: 'change',
            entity_id: '1',
            company_id: String(companyId),
            version: '2.0',
          },
          data: { id: 1 },
          previous: null,
        }),
        basic(webhook.http_auth_user!, webhook.http_auth_password!),
      );
      const elapsedMs = Date.now() - started;

      expect(response.status).toBe(200);
      expect(elapsedMs).toBeLessThan(1000);
      expect(finished).toBe(0);
      expect(await storedEvents(companyId)).toHaveLength(1);
    } finally {
      emitter.off('pipedrive.webhook', slowListener);
    }
  });

  it('stores a version 1.0 delivery with v2 action names', async () => {
    const { companyId } = await installThroughConsent(stack);
    const response = await subscribe(companyId, {
      event_action: '*',
      event_object: 'deal',
      version: '1.0',
    });
    expect(response.status).toBe(201);

    await emitSandboxEvent(companyId, 'deal', 'change');
    await emitSandboxEvent(companyId, 'deal', 'create');
    const events = await waitFor(async () => {
      const rows = await storedEvents(companyId);
      return rows.length === 2 && rows;
    }, 'two stored events');

    const actions = events.map((event) => event.action).sort();
    expect(actions).toEqual(['change', 'create']);
    expect(events.every((event) => event.version === '1.0')).toBe(true);
    expect(events.every((event) => event.object === 'deal')).toBe(true);
    expect(
      events.every((event) => /^v1-[0-9a-f]{64}$/.test(event.event_id)),
    ).toBe(true);
    expect(events[0].event_id).not.toBe(events[1].event_id);
    expect(events.every((event) => /^\d+$/.test(event.entity_id ?? ''))).toBe(
      true,
    );
  });

  it('stores a retried delivery once', async () => {
    const { companyId } = await installThroughConsent(stack);
    await subscribe(companyId, {
      event_action: 'change',
      event_object: 'deal',
    });
    const duplicatesBefore = await duplicateCount();

    // Holding a lock on the events table stalls the first delivery past
    // the sandbox's one-second timeout, so the sandbox retries it.
    await stack.db.query('BEGIN');
    await stack.db.query('LOCK TABLE webhook_events IN EXCLUSIVE MODE');
    let released = false;
    try {
      const sent = await emitSandboxEvent(companyId);
      await waitFor(
        async () =>
          (await sandboxWebhooks(companyId))[0].last_delivery_time !== null,
        'the first delivery to time out',
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await stack.db.query('COMMIT');
      released = true;

      await waitFor(
        async () => (await duplicateCount()) > duplicatesBefore,
        'the retry',
      );
      const events = await storedEvents(companyId);
      expect(events).toHaveLength(1);
      expect(events[0].event_id).toBe(sent.eventId);
    } finally {
      if (!released) {
        await stack.db.query('ROLLBACK');
      }
    }
  });

  it('rejects bad deliveries and stores nothing', async () => {
    const [first, second] = stack.sandbox.companies();
    await installThroughConsent(stack, { companyId: first.id });
    await installThroughConsent(stack, { companyId: second.id });
    await subscribe(first.id, { event_action: 'change', event_object: 'deal' });
    await subscribe(second.id, {
      event_action: 'change',
      event_object: 'deal',
    });
    const [own] = await sandboxWebhooks(first.id);
    const [other] = await sandboxWebhooks(second.id);
    const ownAuth = basic(own.http_auth_user!, own.http_auth_password!);
    const payload = (companyId: number) =>
      JSON.stringify({
        meta: {
          id: '0b0e3a52-7f5c-4a57-9d55-2c0f6d8f2a11',
          entity: 'deal',
          action: 'change',
          entity_id: '1',
          company_id: String(companyId),
          version: '2.0',
        },
        data: { id: 1 },
        previous: null,
      });

    const cases: [string, Promise<Response>, number][] = [
      ['missing credentials', deliver(first.id, payload(first.id)), 401],
      [
        'wrong password',
        deliver(
          first.id,
          payload(first.id),
          basic(own.http_auth_user!, 'wrong'),
        ),
        401,
      ],
      [
        'another company’s credentials',
        deliver(
          first.id,
          payload(first.id),
          basic(other.http_auth_user!, other.http_auth_password!),
        ),
        401,
      ],
      [
        'mismatched meta.company_id',
        deliver(first.id, payload(second.id), ownAuth),
        403,
      ],
      ['malformed JSON', deliver(first.id, '{"meta": {', ownAuth), 400],
      ['missing meta', deliver(first.id, '{"data": {}}', ownAuth), 400],
      [
        'body over 256 KiB',
        deliver(
          first.id,
          JSON.stringify({ meta: {}, pad: 'x'.repeat(300_000) }),
          ownAuth,
        ),
        413,
      ],
    ];
    const rejectedBefore = await webhookEventCount('rejected');
    for (const [name, pending, status] of cases) {
      const response = await pending;
      const body = await readJson(response);
      expect({ name, status: response.status }).toEqual({ name, status });
      expect({ name, success: body.success }).toEqual({ name, success: false });
    }
    expect(await storedEvents()).toHaveLength(0);
    expect(await webhookEventCount('rejected')).toBe(
      rejectedBefore + cases.length,
    );

    const accepted = await deliver(first.id, payload(first.id), ownAuth);
    expect(accepted.status).toBe(200);
    expect(await storedEvents()).toHaveLength(1);
  });

  it('creates one subscription for identical requests', async () => {
    const { companyId } = await installThroughConsent(stack);
    const body = {
      event_action: 'change',
      event_object: 'deal',
      version: '2.0',
    };

    const responses = await Promise.all([
      subscribe(companyId, body),
      subscribe(companyId, body),
    ]);
    const bodies = await Promise.all(responses.map(readJson));
    const again = await subscribe(companyId, body);
    const againBody = await readJson(again);

    expect(responses.map((response) => response.status).sort()).toEqual([
      200, 201,
    ]);
    expect(bodies[0].data.id).toBe(bodies[1].data.id);
    expect(again.status).toBe(200);
    expect(againBody.data.id).toBe(bodies[0].data.id);
    expect(againBody.data.http_auth_password).toBeNull();
    const listed = await readJson(
      await getAs(stack, `/companies/${companyId}/api/v1/webhooks`),
    );
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0].http_auth_password).toBeNull();
    expect(await sandboxWebhooks(companyId)).toHaveLength(1);

    const other = await subscribe(companyId, { ...body, version: '1.0' });
    expect(other.status).toBe(201);
    expect(await sandboxWebhooks(companyId)).toHaveLength(2);
  });

  it('deletes a subscription at Pipedrive and locally', async () => {
    const { companyId } = await installThroughConsent(stack);
    const createdResponse = await subscribe(companyId, {
      event_action: 'change',
      event_object: 'deal',
    });
    const created = await readJson(createdResponse);
    expect(created).toMatchObject({ success: true });

    const response = await fetch(
      `${stack.url}/companies/${companyId}/api/v1/webhooks/${created.data.id}`,
      {
        method: 'DELETE',
        headers: { authorization: `Bearer ${stack.adminKey}` },
      },
    );

    expect(response.status).toBe(200);
    expect(await sandboxWebhooks(companyId)).toHaveLength(0);
    const row = await stack.db.query(
      'SELECT status FROM webhook_subscriptions',
    );
    expect(row.rows[0].status).toBe('deleted');
    const invalid = await fetch(
      `${stack.url}/companies/${companyId}/api/v1/webhooks/abc`,
      {
        method: 'DELETE',
        headers: { authorization: `Bearer ${stack.adminKey}` },
      },
    );
    expect(invalid.status).toBe(400);
  });

  it('rejects invalid subscription bodies', async () => {
    const { companyId } = await installThroughConsent(stack);
    const cases: [Record<string, unknown>, string][] = [
      [{ event_action: 'update', event_object: 'deal' }, 'event_action'],
      [{ event_action: 'change', event_object: 'deals' }, 'event_object'],
      [
        { event_action: 'change', event_object: 'deal', version: '3.0' },
        'version',
      ],
      [
        {
          event_action: 'change',
          event_object: 'deal',
          subscription_url: 'ftp://x',
        },
        'subscription_url',
      ],
      [{ event_action: 'change', event_object: 'deal', name: '' }, 'name'],
      [
        { event_action: 'change', event_object: 'deal', name: 'a\u0000b' },
        'name',
      ],
      [
        { event_action: 'change', event_object: 'deal', colour: 'red' },
        'colour',
      ],
      [
        { event_action: 'change', event_object: 'deal', http_auth_user: 'me' },
        'http_auth_user',
      ],
    ];
    for (const [body, field] of cases) {
      const response = await subscribe(companyId, body);
      const answer = await readJson(response);
      expect({ field, status: response.status }).toEqual({
        field,
        status: 400,
      });
      expect(answer.fields[0].field).toBe(field);
    }
    expect(await sandboxWebhooks(companyId)).toHaveLength(0);
  });

  it('recreates gateway subscriptions after a reinstall', async () => {
    const install = await installThroughConsent(stack);
    const { companyId, userId } = install;
    await subscribe(companyId, {
      event_action: 'change',
      event_object: 'deal',
    });
    const [before] = await sandboxWebhooks(companyId);

    await control(stack, 'uninstall', { companyId, userId });
    await waitFor(async () => {
      const rows = await stack.db.query(
        'SELECT status FROM webhook_subscriptions',
      );
      return rows.rows[0].status === 'uninstalled';
    }, 'the subscription to be marked uninstalled');

    await installThroughConsent(stack, { companyId, userId });
    const [after] = await waitFor(async () => {
      const webhooks = await sandboxWebhooks(companyId);
      return webhooks.length === 1 && webhooks;
    }, 'the recreated webhook');

    expect(after.id).not.toBe(before.id);
    expect(after.subscription_url).toBe(before.subscription_url);
    expect(after.http_auth_user).not.toBe(before.http_auth_user);
    const row = await waitFor(async () => {
      const rows = await stack.db.query('SELECT * FROM webhook_subscriptions');
      return rows.rows[0].status === 'active' && rows.rows[0];
    }, 'the local record to be active');
    expect(Number(row.pipedrive_webhook_id)).toBe(after.id);
    expect(row.http_auth_password_hash).toBe(sha256(after.http_auth_password!));

    await emitSandboxEvent(companyId);
    const events = await waitFor(async () => {
      const rows = await storedEvents(companyId);
      return rows.length > 0 && rows;
    }, 'a delivery to the recreated webhook');
    expect(events).toHaveLength(1);
  });

  it('keeps listed subscriptions on reauthorization', async () => {
    const { companyId, userId } = await installThroughConsent(stack);
    await subscribe(companyId, {
      event_action: 'change',
      event_object: 'deal',
    });
    const [before] = await sandboxWebhooks(companyId);

    // Consenting again without an uninstall is a reinstall for the gateway,
    // but Pipedrive still has the webhook, so nothing is recreated.
    await installThroughConsent(stack, { companyId, userId });
    await new Promise((resolve) => setTimeout(resolve, 500));

    const after = await sandboxWebhooks(companyId);
    expect(after).toHaveLength(1);
    expect(after[0].id).toBe(before.id);
    const rows = await stack.db.query(
      'SELECT status, pipedrive_webhook_id FROM webhook_subscriptions',
    );
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0].status).toBe('active');
    expect(Number(rows.rows[0].pipedrive_webhook_id)).toBe(before.id);
  });

  it('passes external subscriptions through without passwords', async () => {
    const { companyId } = await installThroughConsent(stack);

    const response = await subscribe(companyId, {
      event_action: 'create',
      event_object: 'person',
      subscription_url: 'https://hooks.example.com/pipedrive',
      http_auth_user: 'receiver',
      http_auth_password: 'caller-chosen-secret',
    });
    const text = await response.text();
    const body = JSON.parse(text);

    expect(response.status).toBe(201);
    expect(body.data.subscription_url).toBe(
      'https://hooks.example.com/pipedrive',
    );
    expect(body.data.http_auth_user).toBe('receiver');
    expect(body.data.http_auth_password).toBeNull();
    expect(text).not.toContain('caller-chosen-secret');
    const [atSandbox] = await sandboxWebhooks(companyId);
    expect(atSandbox.http_auth_password).toBe('caller-chosen-secret');
    const rows = await stack.db.query(
      'SELECT gateway_managed, http_auth_user, http_auth_password_hash FROM webhook_subscriptions',
    );
    expect(rows.rows[0].gateway_managed).toBe(false);
    expect(rows.rows[0].http_auth_user).toBeNull();
    expect(rows.rows[0].http_auth_password_hash).toBeNull();
  });

  it('lists stored events newest first for admins', async () => {
    const { companyId } = await installThroughConsent(stack);
    await subscribe(companyId, { event_action: '*', event_object: 'deal' });
    for (const action of ['create', 'change', 'delete']) {
      await emitSandboxEvent(companyId, 'deal', action);
      await waitFor(async () => {
        const rows = await storedEvents(companyId);
        return rows.some((row) => row.action === action);
      }, `the ${action} event`);
    }

    const first = await readJson(
      await getAs(
        stack,
        `/admin/webhook-events?companyId=${companyId}&limit=2`,
      ),
    );
    expect(first.data.map((event: { action: string }) => event.action)).toEqual(
      ['delete', 'change'],
    );
    expect(first.data[0].companyId).toBe(companyId);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await readJson(
      await getAs(
        stack,
        `/admin/webhook-events?companyId=${companyId}&limit=2&cursor=${first.nextCursor}`,
      ),
    );
    expect(
      second.data.map((event: { action: string }) => event.action),
    ).toEqual(['create']);
    expect(second.nextCursor).toBeNull();
    const text = JSON.stringify([first, second]);
    expect(text).not.toContain('http_auth');

    const other = await readJson(
      await getAs(stack, '/admin/webhook-events?companyId=999999'),
    );
    expect(other.data).toHaveLength(0);
    const badCursor = await getAs(stack, '/admin/webhook-events?cursor=bm9wZQ');
    expect(badCursor.status).toBe(400);
  });
});
