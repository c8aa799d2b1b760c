import { control, getAs, installThroughConsent } from '../support/install';
import { startStack, type TestStack } from '../support/stack';

/** Parses Prometheus text into `name{labels} value` samples. */
function parseSamples(
  text: string,
): { name: string; labels: Record<string, string>; value: number }[] {
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) {
      continue;
    }
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) {
      throw new Error(`Unparsable metrics line: ${line}`);
    }
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(
      /(\w+)="((?:[^"\\]|\\.)*)"/g,
    )) {
      labels[pair[1]] = pair[2];
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }

  return samples;
}

describe('metrics endpoint', () => {
  let stack: TestStack;
  let companyId: number;
  let text: string;

  beforeAll(async () => {
    stack = await startStack();
    const install = await installThroughConsent(stack);
    companyId = install.companyId;

    // A plain proxied request, an unmatched route, a guard rejection, a
    // refresh after Pipedrive rejects an expired token, and a 429 that the
    // client waits out.
    expect(
      (await getAs(stack, `/companies/${companyId}/api/v1/leads?limit=5`))
        .status,
    ).toBe(200);
    expect((await getAs(stack, `/no/such/route/${companyId}`)).status).toBe(
      404,
    );
    expect(
      (await getAs(stack, `/companies/${companyId}/api/v1/leads`, 'wrong-key'))
        .status,
    ).toBe(401);
    await control(stack, 'expire-tokens', { companyId });
    expect(
      (await getAs(stack, `/companies/${companyId}/api/v1/leads?limit=5`))
        .status,
    ).toBe(200);
    await control(stack, 'faults', { status: 429, times: 1 });
    expect(
      (await getAs(stack, `/companies/${companyId}/api/v1/leads?limit=5`))
        .status,
    ).toBe(200);

    const response = await fetch(`${stack.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    text = await response.text();
  });

  afterAll(async () => {
    await stack.close();
  });

  it('counts requests by route pattern', () => {
    const samples = parseSamples(text).filter(
      (s) => s.name === 'gateway_http_requests_total',
    );
    const leads = samples.find(
      (s) =>
        s.labels.route === '/companies/:companyId/api/v1/leads' &&
        s.labels.method === 'GET' &&
        s.labels.status === '200',
    );

    expect(leads?.value).toBe(3);
  });

  it('labels unmatched routes and guard rejections', () => {
    const samples = parseSamples(text).filter(
      (s) => s.name === 'gateway_http_requests_total',
    );

    expect(
      samples.find(
        (s) => s.labels.route === 'unmatched' && s.labels.status === '404',
      )?.value,
    ).toBe(1);
    expect(
      samples.find(
        (s) =>
          s.labels.route === '/companies/:companyId/api/v1/leads' &&
          s.labels.status === '401',
      )?.value,
    ).toBe(1);
  });

  it('exposes refresh and 429 counters', () => {
    const samples = parseSamples(text);

    expect(
      samples.find(
        (s) =>
          s.name === 'gateway_token_refreshes_total' &&
          s.labels.outcome === 'refreshed',
      )?.value,
    ).toBeGreaterThanOrEqual(1);
    expect(
      samples.find(
        (s) =>
          s.name === 'gateway_rate_limited_total' &&
          s.labels.source === 'upstream',
      )?.value,
    ).toBe(1);
  });

  it('reports pool and cache gauges', () => {
    const samples = parseSamples(text);
    const database = samples.filter(
      (s) => s.name === 'gateway_database_connections',
    );
    const upstream = samples.filter(
      (s) => s.name === 'gateway_upstream_connections',
    );

    expect(database.map((s) => s.labels.state).sort()).toEqual([
      'idle',
      'total',
      'waiting',
    ]);
    expect(
      database.find((s) => s.labels.state === 'total')?.value,
    ).toBeGreaterThanOrEqual(1);
    expect(
      upstream.find((s) => s.labels.state === 'connected')?.value,
    ).toBeGreaterThanOrEqual(1);
    expect(
      samples.find((s) => s.name === 'gateway_cached_installations')?.value,
    ).toBeGreaterThanOrEqual(1);
  });

  it('keeps company ids and raw paths out of labels', () => {
    for (const sample of parseSamples(text)) {
      for (const value of Object.values(sample.labels)) {
        expect(value).not.toContain(String(companyId));
      }
    }
    expect(text).not.toContain('/no/such/route');
  });
});
