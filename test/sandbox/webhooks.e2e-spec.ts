import type { SandboxHandle } from '../../src/sandbox/sandbox';
import {
  apiGet,
  control,
  install,
  readJson,
  Receiver,
  startTestSandbox,
  type TokenResponse,
} from './sandbox-test-helpers';

describe('sandbox webhook delivery', () => {
  let sandbox: SandboxHandle;
  let receiver: Receiver;
  let receiverUrl: string;
  let tokens: TokenResponse;
  let companyId: number;

  const subscribe = async (body: Record<string, unknown>) => {
    const response = await fetch(`${tokens.api_domain}/api/v1/webhooks`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.access_token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        subscription_url: `${receiverUrl}/hook`,
        name: 'Test hook',
        ...body,
      }),
    });

    return { status: response.status, body: await readJson(response) };
  };

  const emit = async (object: string, action: string) =>
    readJson(await control(sandbox, 'events', { companyId, object, action }));

  beforeAll(async () => {
    receiver = new Receiver();
    receiverUrl = await receiver.start();
    sandbox = await startTestSandbox({
      webhookRetryDelaysMs: [50, 100, 150],
      webhookTimeoutMs: 1000,
    });
  });

  afterAll(async () => {
    await sandbox.close();
    await receiver.stop();
  });

  beforeEach(async () => {
    await control(sandbox, 'reset', {});
    receiver.requests.length = 0;
    companyId = sandbox.companies()[0].id;
    tokens = await install(sandbox, companyId);
  });

  it('delivers a v2 payload with Basic credentials', async () => {
    const created = await subscribe({
      event_action: 'change',
      event_object: 'deal',
      http_auth_user: 'hook-user',
      http_auth_password: 'hook-pass',
    });
    const result = await emit('deal', 'change');
    await receiver.waitFor(1);
    const [delivery] = receiver.requests;
    const expectedAuth = `Basic ${Buffer.from('hook-user:hook-pass').toString('base64')}`;

    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      type: 'application',
      version: '2.0',
      owner_id: sandbox.companies()[0].users[0].id,
    });
    expect(result).toEqual({ eventId: expect.any(String), deliveries: 1 });
    expect(delivery.method).toBe('POST');
    expect(delivery.headers.authorization).toBe(expectedAuth);
    expect(delivery.headers['content-type']).toContain('application/json');
    expect(delivery.body.meta).toMatchObject({
      action: 'change',
      entity: 'deal',
      company_id: String(companyId),
      id: result.eventId,
      version: '2.0',
      type: 'application',
      webhook_id: String(created.body.data.id),
      attempt: 1,
      is_bulk_edit: false,
    });
    expect(typeof delivery.body.meta.entity_id).toBe('string');
    expect(
      delivery.body.meta.permitted_user_ids.every(
        (id: unknown) => typeof id === 'string',
      ),
    ).toBe(true);
    expect(delivery.body.data.title).toContain('(edited');
    expect(Object.keys(delivery.body.previous).sort()).toEqual([
      'title',
      'update_time',
    ]);
  });

  it('delivers a v1 payload', async () => {
    await subscribe({
      event_action: 'create',
      event_object: 'person',
      version: '1.0',
    });
    const result = await emit('person', 'create');
    await receiver.waitFor(1);
    const [delivery] = receiver.requests;

    expect(result.deliveries).toBe(1);
    expect(delivery.headers.authorization).toBeUndefined();
    expect(delivery.body).toMatchObject({
      v: 1,
      event: 'added.person',
      retry: 0,
      previous: null,
      meta: {
        v: 1,
        action: 'added',
        object: 'person',
        company_id: companyId,
        is_bulk_update: false,
      },
    });
    expect(typeof delivery.body.meta.id).toBe('number');
    expect(typeof delivery.body.meta.timestamp).toBe('number');
    expect(delivery.body.current.name).toContain('Sandbox event');
  });

  it('matches wildcards and skips other events', async () => {
    await subscribe({ event_action: '*', event_object: 'lead' });
    await subscribe({ event_action: 'delete', event_object: '*' });
    await subscribe({ event_action: 'create', event_object: 'deal' });

    const leadChange = await emit('lead', 'change');
    const leadDelete = await emit('lead', 'delete');
    const noteChange = await emit('note', 'change');

    expect(leadChange.deliveries).toBe(1);
    expect(leadDelete.deliveries).toBe(2);
    expect(noteChange.deliveries).toBe(0);
    await receiver.waitFor(3);
  });

  it('retries a failing receiver with the same event id', async () => {
    await subscribe({ event_action: 'delete', event_object: 'deal' });
    receiver.failNext(500, 503);
    const result = await emit('deal', 'delete');
    await receiver.waitFor(3);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(receiver.requests).toHaveLength(3);
    expect(receiver.requests.map((request) => request.body.meta.id)).toEqual([
      result.eventId,
      result.eventId,
      result.eventId,
    ]);
    expect(
      receiver.requests.map((request) => request.body.meta.attempt),
    ).toEqual([1, 2, 3]);
    expect(receiver.requests[0].body.data).toBeNull();
    const list = await apiGet(
      tokens.api_domain,
      tokens.access_token,
      '/api/v1/webhooks',
    );
    expect((await readJson(list)).data[0].last_http_status).toBe(200);
  });

  it('gives up after the last retry', async () => {
    await subscribe({ event_action: '*', event_object: '*', version: '1.0' });
    receiver.failNext(500, 500, 500, 500, 500);
    await emit('organization', 'change');
    await receiver.waitFor(4);
    await new Promise((resolve) => setTimeout(resolve, 400));

    expect(receiver.requests).toHaveLength(4);
    expect(receiver.requests.map((request) => request.body.retry)).toEqual([
      0, 1, 2, 3,
    ]);
  });

  it('limits each user to 40 webhooks', async () => {
    for (let i = 0; i < 40; i++) {
      const created = await subscribe({
        event_action: 'create',
        event_object: 'deal',
      });
      expect(created.status).toBe(201);
    }
    const over = await subscribe({
      event_action: 'create',
      event_object: 'deal',
    });

    expect(over.status).toBe(400);
    expect(over.body.success).toBe(false);
  });

  it('deletes a webhook and 404s an unknown one', async () => {
    const created = await subscribe({
      event_action: 'create',
      event_object: 'deal',
    });
    const remove = (id: number) =>
      fetch(`${tokens.api_domain}/api/v1/webhooks/${id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
    const first = await remove(created.body.data.id);
    const second = await remove(created.body.data.id);

    expect(first.status).toBe(200);
    expect(await readJson(first)).toEqual({ success: true, status: 'ok' });
    expect(second.status).toBe(404);
    expect((await emit('deal', 'create')).deliveries).toBe(0);
  });

  it('rejects unknown event objects in the control', async () => {
    const response = await control(sandbox, 'events', {
      companyId,
      object: 'spaceship',
      action: 'create',
    });

    expect(response.status).toBe(400);
    expect((await readJson(response)).error).toContain('object');
  });
});
