import { findFreePort } from '../../src/database/embedded-database';
import { InstallationCache } from '../../src/installations/installation-cache';
import { DEFAULT_APP_SCOPES } from '../../src/sandbox/sandbox-options';
import { control, installThroughConsent, readJson } from '../support/install';
import { type TestStack } from '../support/stack';
import { moveApiDomain, startConfiguredStack } from './proxy-stack';

interface SandboxStats {
  grants: { authorization_code: number; refresh_token: number };
  apiRequests: number;
  rateLimited: number;
}

interface LoggedRequest {
  method: string;
  path: string;
  companyId: number | null;
  status: number;
}

const UPSTREAM_TIMEOUT_MS = 1000;
const MAX_RATE_LIMIT_WAIT_MS = 15_000;

describe('Pipedrive client resilience', () => {
  let stack: TestStack;
  let firstCompany: number;
  let secondCompany: number;
  /** Length of the sandbox request log when the current test started. */
  let requestLogStart = 0;

  beforeAll(async () => {
    stack = await startConfiguredStack((config) => {
      config.upstream.timeoutMs = UPSTREAM_TIMEOUT_MS;
      config.upstream.rateLimitMaxWaitMs = MAX_RATE_LIMIT_WAIT_MS;
    });
    [firstCompany, secondCompany] = stack.sandbox
      .companies()
      .map((company) => company.id);
  });

  afterAll(async () => {
    await stack.close();
  });

  beforeEach(async () => {
    await control(stack, 'rate-limit', { burst: 80, windowSeconds: 2 });
    await control(stack, 'scopes', { scopes: DEFAULT_APP_SCOPES });
    await stack.db.query('DELETE FROM installations');
    stack.app.get(InstallationCache).clear();
    requestLogStart = (await control<LoggedRequest[]>(stack, 'requests'))
      .length;
  });

  function get(companyId: number, path: string): Promise<Response> {
    return fetch(`${stack.url}/companies/${companyId}${path}`, {
      headers: { authorization: `Bearer ${stack.adminKey}` },
    });
  }

  function post(
    companyId: number,
    path: string,
    body: object,
  ): Promise<Response> {
    return fetch(`${stack.url}/companies/${companyId}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.adminKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
  }

  async function sandboxRequests(path: string): Promise<LoggedRequest[]> {
    const all = await control<LoggedRequest[]>(stack, 'requests');

    return all
      .slice(requestLogStart)
      .filter((request) => request.path === path);
  }

  function warningsAbout(message: string): number {
    return stack.logs.filter((line) => line.includes(message)).length;
  }

  it('paces a burst far over the limit without 429s', async () => {
    await installThroughConsent(stack, { companyId: firstCompany });
    await installThroughConsent(stack, { companyId: secondCompany });
    await control(stack, 'rate-limit', { burst: 10, windowSeconds: 2 });
    const before = await control<SandboxStats>(stack, 'stats');
    const started = Date.now();

    const burst = Array.from({ length: 60 }, async () => {
      const response = await get(firstCompany, '/api/v1/users/me');
      await response.arrayBuffer();

      return { status: response.status, at: Date.now() - started };
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const other = Array.from({ length: 5 }, async () => {
      const response = await get(secondCompany, '/api/v1/users/me');
      await response.arrayBuffer();

      return { status: response.status, at: Date.now() - started };
    });
    const firstResults = await Promise.all(burst);
    const otherResults = await Promise.all(other);
    const after = await control<SandboxStats>(stack, 'stats');

    expect(firstResults.map((result) => result.status)).toEqual(
      Array(60).fill(200),
    );
    expect(otherResults.map((result) => result.status)).toEqual(
      Array(5).fill(200),
    );
    expect(after.rateLimited - before.rateLimited).toBe(0);
    const firstDrained = Math.max(...firstResults.map((result) => result.at));
    const otherDone = Math.max(...otherResults.map((result) => result.at));
    // 60 requests at 10 per 2 s need at least five more windows.
    expect(firstDrained).toBeGreaterThanOrEqual(5 * 2000);
    expect(otherDone).toBeLessThan(2000);
  });

  it('waits out a short Pipedrive 429 and answers 200', async () => {
    await installThroughConsent(stack, { companyId: firstCompany });
    await control(stack, 'faults', {
      status: 429,
      times: 1,
      path: '/api/v1/users/me',
    });
    const started = Date.now();

    const response = await get(firstCompany, '/api/v1/users/me');

    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const seen = await sandboxRequests('/api/v1/users/me');
    // The first 200 is the install reading the user with the new token.
    expect(seen.map((request) => request.status)).toEqual([200, 429, 200]);
  });

  it('answers 429 rate_limited when the wait is too long', async () => {
    await installThroughConsent(stack, { companyId: firstCompany });
    await control(stack, 'rate-limit', { burst: 1, windowSeconds: 60 });

    const first = await get(firstCompany, '/api/v1/users/me');
    const second = await get(firstCompany, '/api/v1/users/me');
    const secondBody = await readJson(second);
    const sentBeforeThird = (await sandboxRequests('/api/v1/users/me')).length;
    const third = await get(firstCompany, '/api/v1/users/me');
    const thirdBody = await readJson(third);

    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(secondBody).toMatchObject({ success: false, code: 'rate_limited' });
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(30);
    expect(third.status).toBe(429);
    expect(thirdBody.code).toBe('rate_limited');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(30);
    // The third request was refused by the pacer without reaching Pipedrive.
    expect((await sandboxRequests('/api/v1/users/me')).length).toBe(
      sentBeforeThird,
    );
  });

  it('retries a GET after two 500s', async () => {
    await installThroughConsent(stack, { companyId: firstCompany });
    await control(stack, 'faults', {
      status: 500,
      times: 2,
      path: '/api/v1/notes',
    });

    const response = await get(firstCompany, '/api/v1/notes?limit=2');
    const body = await readJson(response);

    expect(response.status).toBe(200);
    expect(body.success).toBe(true);
    const seen = await sandboxRequests('/api/v1/notes');
    expect(seen.map((request) => request.status)).toEqual([500, 500, 200]);
  });

  it('passes the 500 on after three failed GETs', async () => {
    await installThroughConsent(stack, { companyId: firstCompany });
    await control(stack, 'faults', {
      status: 500,
      times: 3,
      path: '/api/v1/notes',
    });

    const response = await get(firstCompany, '/api/v1/notes');
    const body = await readJson(response);

    expect(response.status).toBe(500);
    expect(body.success).toBe(false);
    expect(await sandboxRequests('/api/v1/notes')).toHaveLength(3);
  });

  it('does not retry a POST after a 500', async () => {
    await installThroughConsent(stack, { companyId: firstCompany });
    await control(stack, 'faults', {
      status: 500,
      times: 2,
      path: '/api/v1/deals',
    });

    const response = await post(firstCompany, '/api/v1/deals', {
      title: 'Retry test',
    });
    const body = await readJson(response);
    const posts = (await sandboxRequests('/api/v1/deals')).filter(
      (request) => request.method === 'POST',
    );

    expect(response.status).toBe(500);
    expect(body).toMatchObject({ success: false, errorCode: 500 });
    expect(posts).toHaveLength(1);
    // The remaining fault use is taken by a GET, which is retried.
    const summary = await get(firstCompany, '/api/v1/deals/summary');
    expect(summary.status).toBe(200);
  });

  it('passes a scope mismatch on without a refresh', async () => {
    await control(stack, 'scopes', { scopes: ['base', 'leads:read'] });
    await installThroughConsent(stack, { companyId: firstCompany });
    const before = await control<SandboxStats>(stack, 'stats');

    const response = await get(firstCompany, '/api/v2/deals');
    const body = await readJson(response);
    const after = await control<SandboxStats>(stack, 'stats');

    expect(response.status).toBe(403);
    expect(body).toEqual({
      success: false,
      error: 'Scope and URL mismatch',
      error_info:
        'Please check developers.pipedrive.com for more information about Pipedrive API.',
      data: null,
      additional_data: null,
      errorCode: 403,
    });
    expect(after.grants.refresh_token).toBe(before.grants.refresh_token);
    expect(await sandboxRequests('/api/v2/deals')).toHaveLength(1);
  });

  it('answers 502 after retries when nothing listens', async () => {
    await installThroughConsent(stack, { companyId: firstCompany });
    const closedPort = await findFreePort();
    await moveApiDomain(stack, firstCompany, `http://127.0.0.1:${closedPort}`);
    const warningsBefore = warningsAbout('request to Pipedrive failed');

    const response = await get(firstCompany, '/api/v1/users/me');
    const body = await readJson(response);
    const getAttempts =
      warningsAbout('request to Pipedrive failed') - warningsBefore;
    const postResponse = await post(firstCompany, '/api/v1/deals', {
      title: 'Unreachable',
    });
    const postBody = await readJson(postResponse);
    const postAttempts =
      warningsAbout('request to Pipedrive failed') -
      warningsBefore -
      getAttempts;

    expect(response.status).toBe(502);
    expect(body).toMatchObject({
      success: false,
      code: 'upstream_unavailable',
    });
    expect(body.error).toContain('ECONNREFUSED');
    expect(getAttempts).toBe(3);
    expect(postResponse.status).toBe(502);
    expect(postBody.code).toBe('upstream_unavailable');
    expect(postAttempts).toBe(1);
  });

  it('answers 504 when Pipedrive does not answer in time', async () => {
    await installThroughConsent(stack, { companyId: firstCompany });
    await control(stack, 'faults', {
      status: 200,
      times: 3,
      latencyMs: UPSTREAM_TIMEOUT_MS * 3,
      path: '/api/v1/users/me',
    });
    const started = Date.now();

    const response = await get(firstCompany, '/api/v1/users/me');
    const body = await readJson(response);

    expect(response.status).toBe(504);
    expect(body).toMatchObject({
      success: false,
      code: 'upstream_unavailable',
      error: 'Pipedrive did not answer in time',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(
      3 * UPSTREAM_TIMEOUT_MS,
    );
  });

  it('answers 504 for a slow POST without retrying', async () => {
    await installThroughConsent(stack, { companyId: firstCompany });
    await control(stack, 'faults', {
      status: 200,
      times: 1,
      latencyMs: UPSTREAM_TIMEOUT_MS * 2,
      path: '/api/v1/deals',
    });
    const started = Date.now();

    const response = await post(firstCompany, '/api/v1/deals', {
      title: 'Slow',
    });

    expect(response.status).toBe(504);
    expect((await readJson(response)).code).toBe('upstream_unavailable');
    expect(Date.now() - started).toBeLessThan(2 * UPSTREAM_TIMEOUT_MS);
  });
});
