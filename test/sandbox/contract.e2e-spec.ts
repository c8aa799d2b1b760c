import type { SandboxHandle } from '../../src/sandbox/sandbox';
import {
  endpointKey,
  pipedriveEndpoint,
  validatePipedriveResponse,
} from '../support/pipedrive-schemas';
import {
  install,
  postToken,
  readJson,
  startTestSandbox,
  type TokenResponse,
} from './sandbox-test-helpers';

/**
 * Every sandbox response for the endpoints the gateway uses must match the
 * official v1 spec's schema, across pages, sort orders, filters and flags.
 */
describe('sandbox contract with the v1 spec', () => {
  let sandbox: SandboxHandle;
  let tokens: TokenResponse;
  let checked = 0;

  const request = async (
    method: string,
    path: string,
    body?: object,
  ): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${tokens.api_domain}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens.access_token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });

    return { status: response.status, body: await readJson(response) };
  };

  /** Requests each path and expects a success that matches the schema. */
  const expectConforming = async (method: string, paths: string[]) => {
    for (const path of paths) {
      const response = await request(method, path);
      const violations = validatePipedriveResponse(
        method,
        path,
        response.status,
        response.body,
      );
      checked += 1;

      expect({ path, status: response.status }).toEqual({
        path,
        status: response.status < 300 ? response.status : 'a 2xx status',
      });
      expect({ path, violations }).toEqual({ path, violations: [] });
    }
  };

  beforeAll(async () => {
    sandbox = await startTestSandbox({
      rateLimit: { burst: 10_000, windowSeconds: 2 },
    });
    tokens = await install(sandbox);
  });

  afterAll(async () => {
    await sandbox.close();
    expect(checked).toBeGreaterThan(50);
  });

  it('token responses match the spec', async () => {
    const refreshed = await postToken(sandbox, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });

    expect(
      validatePipedriveResponse('POST', '/oauth/token', 200, tokens),
    ).toEqual([]);
    expect(
      validatePipedriveResponse(
        'POST',
        '/oauth/token/',
        200,
        await readJson(refreshed),
      ),
    ).toEqual([]);
  });

  it('users/me and userSettings match the spec', async () => {
    await expectConforming('GET', ['/api/v1/users/me', '/api/v1/userSettings']);
  });

  it('leads match the spec', async () => {
    const company = sandbox.companies()[0];
    const all = await request('GET', '/api/v1/leads?limit=500');
    const withPerson = all.body.data.find((lead: any) => lead.person_id);
    const withOrganization = all.body.data.find(
      (lead: any) => lead.organization_id,
    );
    const sorts = [
      'id',
      'title DESC',
      'owner_id ASC',
      'creator_id',
      'was_seen DESC',
      'expected_close_date',
      'next_activity_id DESC',
      'add_time DESC',
      'update_time',
      'owner_id ASC,add_time DESC',
    ];

    await expectConforming('GET', [
      '/api/v1/leads',
      '/api/v1/leads?start=0&limit=50',
      '/api/v1/leads?start=250&limit=50',
      '/api/v1/leads?start=100000',
      ...sorts.map((sort) => `/api/v1/leads?sort=${encodeURIComponent(sort)}`),
      `/api/v1/leads?owner_id=${company.users[1].id}`,
      `/api/v1/leads?person_id=${withPerson.person_id}`,
      `/api/v1/leads?organization_id=${withOrganization.organization_id}`,
      '/api/v1/leads?filter_id=1001',
      '/api/v1/leads?updated_since=2024-06-01T00:00:00Z',
      '/api/v1/leads/archived',
      '/api/v1/leads/archived?start=10&limit=10&sort=title%20DESC',
      `/api/v1/leads/archived?owner_id=${company.users[0].id}`,
    ]);
  });

  it('notes match the spec', async () => {
    const company = sandbox.companies()[0];
    const all = await request('GET', '/api/v1/notes?limit=500');
    const find = (field: string) =>
      all.body.data.find((note: any) => note[field] !== undefined)[field];
    const flags = [
      'pinned_to_lead_flag',
      'pinned_to_deal_flag',
      'pinned_to_organization_flag',
      'pinned_to_person_flag',
      'pinned_to_project_flag',
      'pinned_to_task_flag',
    ];

    await expectConforming('GET', [
      '/api/v1/notes',
      '/api/v1/notes?start=100&limit=50',
      `/api/v1/notes?user_id=${company.users[0].id}`,
      `/api/v1/notes?lead_id=${find('lead_id')}`,
      `/api/v1/notes?deal_id=${find('deal_id')}`,
      `/api/v1/notes?person_id=${find('person_id')}`,
      `/api/v1/notes?org_id=${find('org_id')}`,
      '/api/v1/notes?project_id=1',
      '/api/v1/notes?start_date=2024-02-01&end_date=2024-03-31',
      '/api/v1/notes?updated_since=2024-03-01T00:00:00Z',
      '/api/v1/notes?sort=content%20DESC,id%20ASC',
      '/api/v1/notes?sort=update_time%20DESC',
      ...flags.flatMap((flag) => [
        `/api/v1/notes?${flag}=1`,
        `/api/v1/notes?${flag}=0`,
      ]),
    ]);
  });

  it('files match the spec', async () => {
    await expectConforming('GET', [
      '/api/v1/files',
      '/api/v1/files?start=100&limit=100',
      '/api/v1/files?limit=10&sort=update_time%20DESC',
      '/api/v1/files?sort=id%20DESC',
    ]);
  });

  it('productFields match the spec', async () => {
    await expectConforming('GET', [
      '/api/v1/productFields',
      '/api/v1/productFields?start=5&limit=5',
    ]);
  });

  it('deals summary matches the spec', async () => {
    const company = sandbox.companies()[0];

    await expectConforming('GET', [
      '/api/v1/deals/summary',
      '/api/v1/deals/summary?status=open',
      '/api/v1/deals/summary?status=won',
      '/api/v1/deals/summary?status=lost',
      `/api/v1/deals/summary?user_id=${company.users[0].id}`,
      '/api/v1/deals/summary?pipeline_id=1001',
      '/api/v1/deals/summary?stage_id=10011',
      '/api/v1/deals/summary?filter_id=1002',
    ]);
  });

  it('webhooks match the spec', async () => {
    const created = await request('POST', '/api/v1/webhooks', {
      subscription_url: 'http://127.0.0.1:9/hook',
      event_action: '*',
      event_object: 'deal',
      name: 'Contract check',
      http_auth_user: 'user',
      http_auth_password: 'secret',
    });
    const v1 = await request('POST', '/api/v1/webhooks', {
      subscription_url: 'http://127.0.0.1:9/hook',
      event_action: 'create',
      event_object: 'lead',
      name: 'Contract check v1',
      version: '1.0',
    });

    expect(created.status).toBe(201);
    expect(
      validatePipedriveResponse('POST', '/api/v1/webhooks', 201, created.body),
    ).toEqual([]);
    expect(
      validatePipedriveResponse('POST', '/api/v1/webhooks', 201, v1.body),
    ).toEqual([]);
    await expectConforming('GET', ['/api/v1/webhooks']);
    await expectConforming('DELETE', [
      `/api/v1/webhooks/${created.body.data.id}`,
    ]);
  });

  it('rejects what the spec forbids', async () => {
    const invalidWebhook = await request('POST', '/api/v1/webhooks', {
      subscription_url: 'not a url',
      event_action: 'explode',
      event_object: 'deal',
    });

    expect(invalidWebhook.status).toBe(400);
    expect(invalidWebhook.body).toMatchObject({
      success: false,
      status: 'error',
    });
    expect(Object.keys(invalidWebhook.body.errors).sort()).toEqual([
      'event_action',
      'name',
      'subscription_url',
    ]);
    const files = await request('GET', '/api/v1/files?limit=101');
    expect(files.status).toBe(400);
    const flag = await request('GET', '/api/v1/notes?pinned_to_deal_flag=2');
    expect(flag.status).toBe(400);
    const leadId = await request('GET', '/api/v1/notes?lead_id=123');
    expect(leadId.status).toBe(400);
    const status = await request('GET', '/api/v1/deals/summary?status=all');
    expect(status.status).toBe(400);
  });

  it('the validator reports violations', async () => {
    const leads = await request('GET', '/api/v1/leads?limit=1');
    const broken = structuredClone(leads.body);
    broken.data[0].id = 42;
    broken.data[0].value = { amount: 'ten' };

    const violations = validatePipedriveResponse(
      'GET',
      '/api/v1/leads',
      200,
      broken,
    );
    expect(violations.length).toBeGreaterThanOrEqual(3);
    expect(violations.join('\n')).toContain('/data/0/id');
    expect(violations.join('\n')).toContain('/data/0/value');
    expect(
      validatePipedriveResponse('GET', '/api/v1/leads', 500, { oops: true }),
    ).not.toEqual([]);
  });

  it('maps gateway and SDK paths to spec endpoints', () => {
    expect(endpointKey('GET', '/companies/7/api/v1/leads?limit=5')).toBe(
      'GET /leads',
    );
    expect(endpointKey('delete', 'http://x.test/v1/webhooks/12')).toBe(
      'DELETE /webhooks/{id}',
    );
    expect(pipedriveEndpoint('GET /notes')?.scopes).toContain('contacts:read');
  });

  it('serves v2 deals with cursor pagination', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor
        ? `?limit=30&cursor=${encodeURIComponent(cursor)}`
        : '?limit=30';
      const page = await request('GET', `/api/v2/deals${query}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((deal: { id: number }) => deal.id));
      cursor = page.body.additional_data.next_cursor;
    } while (cursor);
    const badCursor = await request('GET', '/api/v2/deals?cursor=%%%');

    expect(seen.length).toBeGreaterThan(30);
    expect(new Set(seen).size).toBe(seen.length);
    expect(badCursor.status).toBe(400);
  });
});
