import {
  control,
  getAs,
  installThroughConsent,
  readJson,
} from '../support/install';
import { startStack, type TestStack } from '../support/stack';
import { validatePipedriveResponse } from '../support/pipedrive-schemas';

interface SandboxStats {
  apiRequests: number;
}

/** A bad query string and the parameter the 400 must name. */
interface BadParameterCase {
  route: string;
  kind: string;
  query: string;
  field: string;
}

const BAD_PARAMETERS: BadParameterCase[] = [
  // GET /api/v1/leads
  { route: 'leads', kind: 'wrong type', query: 'limit=ten', field: 'limit' },
  { route: 'leads', kind: 'out of range', query: 'limit=501', field: 'limit' },
  { route: 'leads', kind: 'out of range', query: 'start=-1', field: 'start' },
  {
    route: 'leads',
    kind: 'non-positive id',
    query: 'owner_id=0',
    field: 'owner_id',
  },
  {
    route: 'leads',
    kind: 'fractional id',
    query: 'person_id=1.5',
    field: 'person_id',
  },
  {
    route: 'leads',
    kind: 'repeated',
    query: 'limit=1&limit=2',
    field: 'limit',
  },
  {
    route: 'leads',
    kind: 'bad sort field',
    query: 'sort=content%20ASC',
    field: 'sort',
  },
  {
    route: 'leads',
    kind: 'bad sort direction',
    query: 'sort=title%20UP',
    field: 'sort',
  },
  {
    route: 'leads',
    kind: 'sort field twice',
    query: 'sort=id%20ASC,id%20DESC',
    field: 'sort',
  },
  {
    route: 'leads',
    kind: 'bad date-time',
    query: 'updated_since=2025-01-01',
    field: 'updated_since',
  },
  {
    route: 'leads',
    kind: 'bad date-time',
    query: 'updated_since=2025-13-01T10:20:00Z',
    field: 'updated_since',
  },
  // GET /api/v1/leads/archived
  {
    route: 'leads/archived',
    kind: 'out of range',
    query: 'limit=0',
    field: 'limit',
  },
  {
    route: 'leads/archived',
    kind: 'wrong type',
    query: 'filter_id=abc',
    field: 'filter_id',
  },
  {
    route: 'leads/archived',
    kind: 'non-positive id',
    query: 'organization_id=-4',
    field: 'organization_id',
  },
  {
    route: 'leads/archived',
    kind: 'bad sort field',
    query: 'sort=nope',
    field: 'sort',
  },
  {
    route: 'leads/archived',
    kind: 'bad sort direction',
    query: 'sort=add_time%20DOWN',
    field: 'sort',
  },
  // GET /api/v1/notes
  { route: 'notes', kind: 'wrong type', query: 'user_id=me', field: 'user_id' },
  {
    route: 'notes',
    kind: 'non-positive id',
    query: 'deal_id=0',
    field: 'deal_id',
  },
  {
    route: 'notes',
    kind: 'non-positive id',
    query: 'task_id=-1',
    field: 'task_id',
  },
  { route: 'notes', kind: 'out of range', query: 'limit=501', field: 'limit' },
  { route: 'notes', kind: 'out of range', query: 'start=-10', field: 'start' },
  {
    route: 'notes',
    kind: 'non-uuid',
    query: 'lead_id=12345',
    field: 'lead_id',
  },
  {
    route: 'notes',
    kind: 'non-uuid',
    query: 'lead_id=adf21080-0e10-11eb-879b-05d71fb426e',
    field: 'lead_id',
  },
  {
    route: 'notes',
    kind: 'bad sort field',
    query: 'sort=title%20ASC',
    field: 'sort',
  },
  {
    route: 'notes',
    kind: 'bad sort direction',
    query: 'sort=content%20SIDEWAYS',
    field: 'sort',
  },
  {
    route: 'notes',
    kind: 'bad date',
    query: 'start_date=2025-02-30',
    field: 'start_date',
  },
  {
    route: 'notes',
    kind: 'bad date',
    query: 'end_date=20250101',
    field: 'end_date',
  },
  {
    route: 'notes',
    kind: 'bad date-time',
    query: 'updated_since=yesterday',
    field: 'updated_since',
  },
  {
    route: 'notes',
    kind: 'bad date-time',
    query: 'updated_since=2025-01-01T25:00:00Z',
    field: 'updated_since',
  },
  {
    route: 'notes',
    kind: 'bad flag',
    query: 'pinned_to_deal_flag=2',
    field: 'pinned_to_deal_flag',
  },
  {
    route: 'notes',
    kind: 'bad flag',
    query: 'pinned_to_lead_flag=true',
    field: 'pinned_to_lead_flag',
  },
  {
    route: 'notes',
    kind: 'bad flag',
    query: 'pinned_to_task_flag=-1',
    field: 'pinned_to_task_flag',
  },
  // GET /api/v1/files
  { route: 'files', kind: 'out of range', query: 'limit=101', field: 'limit' },
  { route: 'files', kind: 'wrong type', query: 'start=first', field: 'start' },
  {
    route: 'files',
    kind: 'bad sort field',
    query: 'sort=name%20ASC',
    field: 'sort',
  },
  {
    route: 'files',
    kind: 'bad sort direction',
    query: 'sort=id%20DOWN',
    field: 'sort',
  },
  // GET /api/v1/productFields
  {
    route: 'productFields',
    kind: 'out of range',
    query: 'limit=501',
    field: 'limit',
  },
  {
    route: 'productFields',
    kind: 'out of range',
    query: 'start=-5',
    field: 'start',
  },
  {
    route: 'productFields',
    kind: 'wrong type',
    query: 'limit=1e2',
    field: 'limit',
  },
  // GET /api/v1/deals/summary
  {
    route: 'deals/summary',
    kind: 'bad enum',
    query: 'status=closed',
    field: 'status',
  },
  {
    route: 'deals/summary',
    kind: 'bad enum',
    query: 'status=OPEN',
    field: 'status',
  },
  {
    route: 'deals/summary',
    kind: 'non-positive id',
    query: 'pipeline_id=0',
    field: 'pipeline_id',
  },
  {
    route: 'deals/summary',
    kind: 'wrong type',
    query: 'stage_id=abc',
    field: 'stage_id',
  },
  {
    route: 'deals/summary',
    kind: 'wrong type',
    query: 'user_id=1x',
    field: 'user_id',
  },
  {
    route: 'deals/summary',
    kind: 'out of range',
    query: 'filter_id=-2',
    field: 'filter_id',
  },
];

/** Valid requests per typed route, including boundary values. */
const VALID_REQUESTS = [
  { route: 'leads', query: 'limit=20&sort=add_time%20DESC,title' },
  { route: 'leads', query: 'updated_since=2020-01-01T00:00:00Z' },
  { route: 'leads/archived', query: 'limit=10' },
  { route: 'notes', query: 'limit=50&sort=update_time%20DESC' },
  {
    route: 'notes',
    query: 'start_date=2000-01-01&end_date=2100-12-31&pinned_to_deal_flag=0',
  },
  { route: 'files', query: 'limit=100&sort=id%20ASC' },
  { route: 'productFields', query: '' },
  { route: 'userSettings', query: '' },
  { route: 'deals/summary', query: '' },
  { route: 'deals/summary', query: 'status=won' },
  { route: 'leads', query: 'limit=500&start=0' },
  {
    route: 'notes',
    query: 'limit=500&lead_id=adf21080-0e10-11eb-879b-05d71fb426ec',
  },
  {
    route: 'notes',
    query: 'updated_since=2020-01-01T10:20:00.5%2B02:00&pinned_to_lead_flag=1',
  },
  { route: 'productFields', query: 'limit=500&start=0' },
  {
    route: 'deals/summary',
    query: 'status=lost&user_id=1&pipeline_id=1&stage_id=1',
  },
];

describe('typed resource routes', () => {
  let stack: TestStack;
  let companyId: number;

  beforeAll(async () => {
    stack = await startStack();
    ({ companyId } = await installThroughConsent(stack));
  });

  afterAll(async () => {
    await stack.close();
  });

  const apiPath = (route: string, query: string): string =>
    `/companies/${companyId}/api/v1/${route}${query ? `?${query}` : ''}`;

  it.each(BAD_PARAMETERS)(
    '$route rejects $kind: $query',
    async ({ route, query, field }) => {
      const before = await control<SandboxStats>(stack, 'stats');

      const response = await getAs(stack, apiPath(route, query));
      const body = await readJson(response);

      expect(response.status).toBe(400);
      expect(body.success).toBe(false);
      expect(body.code).toBe('validation_failed');
      expect(body.fields[0].field).toBe(field);
      expect(body.error).toContain(field);
      const after = await control<SandboxStats>(stack, 'stats');
      expect(after.apiRequests).toBe(before.apiRequests);
    },
  );

  it.each(VALID_REQUESTS)(
    '$route?$query matches the official schema',
    async ({ route, query }) => {
      const before = await control<SandboxStats>(stack, 'stats');

      const response = await getAs(stack, apiPath(route, query));
      const body = await readJson(response);

      expect(response.status).toBe(200);
      expect(body.success).toBe(true);
      expect(
        validatePipedriveResponse('GET', apiPath(route, query), 200, body),
      ).toEqual([]);
      const after = await control<SandboxStats>(stack, 'stats');
      expect(after.apiRequests).toBe(before.apiRequests + 1);
    },
  );

  it('notes filter reaches Pipedrive', async () => {
    const all = await readJson(
      await getAs(stack, apiPath('notes', 'limit=500')),
    );
    const dealNote = all.data.find(
      (note: { deal_id?: number | null }) => typeof note.deal_id === 'number',
    );

    const filtered = await readJson(
      await getAs(stack, apiPath('notes', `deal_id=${dealNote.deal_id}`)),
    );

    expect(filtered.data.length).toBeGreaterThan(0);
    expect(filtered.data.length).toBeLessThan(all.data.length);
    for (const note of filtered.data) {
      expect(note.deal_id).toBe(dealNote.deal_id);
    }
  });

  it('files limit 100 returns one full page', async () => {
    const response = await getAs(stack, apiPath('files', 'limit=100'));
    const body = await readJson(response);

    expect(response.status).toBe(200);
    expect(body.data).toHaveLength(100);
    expect(body.additional_data.pagination.more_items_in_collection).toBe(true);
  });

  it('userSettings rejects query parameters', async () => {
    const before = await control<{ apiRequests: number }>(stack, 'stats');

    const response = await getAs(
      stack,
      apiPath('userSettings', 'limit=abc&x=1'),
    );
    const body = await readJson(response);

    expect(response.status).toBe(400);
    expect(body.fields.map((field: { field: string }) => field.field)).toEqual([
      'limit',
      'x',
    ]);
    const after = await control<{ apiRequests: number }>(stack, 'stats');
    expect(after.apiRequests).toBe(before.apiRequests);
  });

  it('schema check rejects a malformed body', () => {
    const errors = validatePipedriveResponse('GET', '/api/v1/notes', 200, {
      success: true,
      data: [{ id: 'not-a-number', content: 7 }],
    });

    expect(errors.length).toBeGreaterThan(0);
  });

  it('OpenAPI document lists typed query parameters', async () => {
    const response = await getAs(stack, '/docs-json');
    const document = await readJson(response);
    const parameterNames = (path: string): string[] =>
      (document.paths[path]?.get?.parameters ?? []).map(
        (parameter: { name: string }) => parameter.name,
      );

    expect(response.status).toBe(200);
    expect(parameterNames('/companies/{companyId}/api/v1/notes')).toEqual(
      expect.arrayContaining(['lead_id', 'start_date', 'pinned_to_task_flag']),
    );
    expect(parameterNames('/companies/{companyId}/api/v1/files')).toEqual(
      expect.arrayContaining(['start', 'limit', 'sort']),
    );
    expect(
      parameterNames('/companies/{companyId}/api/v1/productFields'),
    ).toEqual(expect.arrayContaining(['start', 'limit']));
    expect(
      parameterNames('/companies/{companyId}/api/v1/deals/summary'),
    ).toEqual(expect.arrayContaining(['status', 'pipeline_id', 'stage_id']));
    expect(
      document.paths['/companies/{companyId}/api/v1/userSettings']?.get,
    ).toBeDefined();
  });
});
