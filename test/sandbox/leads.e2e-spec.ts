import type { SandboxHandle } from '../../src/sandbox/sandbox';
import {
  apiGet,
  install,
  readJson,
  startTestSandbox,
  type TokenResponse,
} from './sandbox-test-helpers';

describe('sandbox leads', () => {
  let sandbox: SandboxHandle;
  let tokens: TokenResponse;

  const getLeads = async (query: string) => {
    const response = await apiGet(
      tokens.api_domain,
      tokens.access_token,
      `/api/v1/leads${query}`,
    );

    return { status: response.status, body: await readJson(response) };
  };

  beforeAll(async () => {
    sandbox = await startTestSandbox({
      rateLimit: { burst: 1000, windowSeconds: 2 },
    });
    tokens = await install(sandbox);
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('walks every lead exactly once page by page', async () => {
    const seen: string[] = [];
    let start = 0;
    let pages = 0;
    for (;;) {
      const { status, body } = await getLeads(`?start=${start}&limit=50`);
      expect(status).toBe(200);
      seen.push(...body.data.map((lead: { id: string }) => lead.id));
      pages += 1;
      if (!body.additional_data.more_items_in_collection) {
        break;
      }
      start += 50;
    }
    const all = await getLeads('?limit=500');

    expect(seen.length).toBeGreaterThanOrEqual(260);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(seen.length / 50));
    expect(seen).toEqual(all.body.data.map((lead: { id: string }) => lead.id));
  });

  it('lists leads oldest first by default', async () => {
    const { body } = await getLeads('?limit=500');
    const times = body.data.map((lead: { add_time: string }) => lead.add_time);

    expect(times).toEqual([...times].sort());
  });

  it('keeps archived leads apart', async () => {
    const active = await getLeads('?limit=500');
    const archived = await apiGet(
      tokens.api_domain,
      tokens.access_token,
      '/api/v1/leads/archived?limit=500',
    );
    const archivedBody = await readJson(archived);

    expect(archivedBody.data.length).toBeGreaterThanOrEqual(25);
    expect(
      archivedBody.data.every((lead: any) => lead.is_archived === true),
    ).toBe(true);
    expect(active.body.data.every((lead: any) => !lead.is_archived)).toBe(true);
  });

  it('has leads without value and with labels', async () => {
    const { body } = await getLeads('?limit=500');

    expect(body.data.some((lead: any) => lead.value === null)).toBe(true);
    expect(body.data.some((lead: any) => lead.label_ids.length > 0)).toBe(true);
    expect(
      new Set(body.data.map((lead: any) => lead.owner_id)).size,
    ).toBeGreaterThan(1);
  });

  it('filters by owner, person and organization', async () => {
    const { body: all } = await getLeads('?limit=500');
    const sample = all.data.find(
      (lead: any) => lead.person_id && lead.organization_id,
    );
    const byOwner = await getLeads(`?owner_id=${sample.owner_id}&limit=500`);
    const byPerson = await getLeads(`?person_id=${sample.person_id}&limit=500`);
    const byOrganization = await getLeads(
      `?organization_id=${sample.organization_id}&limit=500`,
    );

    expect(byOwner.body.data.length).toBeLessThan(all.data.length);
    expect(
      byOwner.body.data.every((lead: any) => lead.owner_id === sample.owner_id),
    ).toBe(true);
    expect(
      byPerson.body.data.every(
        (lead: any) => lead.person_id === sample.person_id,
      ),
    ).toBe(true);
    expect(byPerson.body.data.length).toBeGreaterThan(0);
    expect(
      byOrganization.body.data.every(
        (lead: any) => lead.organization_id === sample.organization_id,
      ),
    ).toBe(true);
  });

  it('sorts by a field in both directions', async () => {
    const ascending = await getLeads('?sort=title%20ASC&limit=500');
    const descending = await getLeads('?sort=title%20DESC&limit=500');
    const titles = ascending.body.data.map((lead: any) => lead.title);

    expect(titles).toEqual(
      [...titles].sort((a: string, b: string) => a.localeCompare(b)),
    );
    expect(descending.body.data.map((lead: any) => lead.title)).toEqual(
      [...titles].reverse(),
    );
  });

  it('filters by updated_since', async () => {
    const { body: all } = await getLeads('?limit=500');
    const times = all.data.map((lead: any) => lead.update_time).sort();
    const middle = times[Math.floor(times.length / 2)];
    const { body } = await getLeads(
      `?updated_since=${encodeURIComponent(middle)}&limit=500`,
    );

    expect(body.data.length).toBeGreaterThan(0);
    expect(body.data.length).toBeLessThan(all.data.length);
    expect(body.data.every((lead: any) => lead.update_time >= middle)).toBe(
      true,
    );
  });

  it('rejects bad parameters with 400 naming them', async () => {
    const cases = [
      ['?limit=0', 'limit'],
      ['?limit=501', 'limit'],
      ['?start=-1', 'start'],
      ['?owner_id=abc', 'owner_id'],
      ['?sort=colour', 'sort'],
      ['?sort=title%20SIDEWAYS', 'sort'],
      ['?updated_since=yesterday', 'updated_since'],
      ['?filter_id=999999', 'filter_id'],
    ];
    for (const [query, parameter] of cases) {
      const { status, body } = await getLeads(query);

      expect({ query, status }).toEqual({ query, status: 400 });
      expect(body.success).toBe(false);
      expect(body.error).toContain(parameter);
    }
  });
});
