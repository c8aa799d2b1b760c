import type { SandboxHandle } from '../../src/sandbox/sandbox';
import {
  apiGet,
  basicAuth,
  control,
  install,
  readJson,
  startTestSandbox,
  type TokenResponse,
} from './sandbox-test-helpers';

describe('sandbox API access', () => {
  let sandbox: SandboxHandle;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(async () => {
    await control(sandbox, 'reset', {});
  });

  describe('token checks', () => {
    let tokens: TokenResponse;

    beforeEach(async () => {
      tokens = await install(sandbox);
    });

    it('accepts a fresh token', async () => {
      const response = await apiGet(
        tokens.api_domain,
        tokens.access_token,
        '/api/v1/users/me',
      );

      expect(response.status).toBe(200);
    });

    it('rejects a missing token with 401', async () => {
      const response = await apiGet(
        tokens.api_domain,
        null,
        '/api/v1/users/me',
      );

      expect(response.status).toBe(401);
      expect(await readJson(response)).toMatchObject({
        success: false,
        error: 'unauthorized access',
        errorCode: 401,
      });
    });

    it('rejects an expired token with 401', async () => {
      const expire = await control(sandbox, 'expire-tokens', {});
      const response = await apiGet(
        tokens.api_domain,
        tokens.access_token,
        '/api/v1/users/me',
      );

      expect(await readJson(expire)).toEqual({ expired: 1 });
      expect(response.status).toBe(401);
      expect((await readJson(response)).error).toBe('unauthorized access');
    });

    it('expires only the named company', async () => {
      const other = sandbox.companies()[1];
      const expire = await control(sandbox, 'expire-tokens', {
        companyId: other.id,
      });
      const response = await apiGet(
        tokens.api_domain,
        tokens.access_token,
        '/api/v1/users/me',
      );

      expect(await readJson(expire)).toEqual({ expired: 0 });
      expect(response.status).toBe(200);
    });

    it('rejects a token of another company with 401', async () => {
      const otherDomain = sandbox.apiDomain(sandbox.companies()[1].id);
      const response = await apiGet(
        otherDomain,
        tokens.access_token,
        '/api/v1/users/me',
      );

      expect(response.status).toBe(401);
    });

    it('rejects a revoked token with 401', async () => {
      await fetch(`${sandbox.oauthUrl}/oauth/revoke`, {
        method: 'POST',
        headers: {
          authorization: basicAuth(),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: tokens.access_token }),
      });
      const response = await apiGet(
        tokens.api_domain,
        tokens.access_token,
        '/api/v1/users/me',
      );

      expect(response.status).toBe(401);
    });

    it('rejects a missing scope with 403', async () => {
      await control(sandbox, 'scopes', { scopes: ['base'] });
      const limited = await install(sandbox);
      const me = await apiGet(
        limited.api_domain,
        limited.access_token,
        '/api/v1/users/me',
      );
      const leads = await apiGet(
        limited.api_domain,
        limited.access_token,
        '/api/v1/leads',
      );

      expect(me.status).toBe(200);
      expect(leads.status).toBe(403);
      expect(await readJson(leads)).toMatchObject({
        success: false,
        error: 'Scope and URL mismatch',
        errorCode: 403,
      });
    });

    it('answers unknown paths with a 404 envelope', async () => {
      const v1 = await apiGet(
        tokens.api_domain,
        tokens.access_token,
        '/api/v1/nothing-here',
      );
      const v2 = await apiGet(
        tokens.api_domain,
        tokens.access_token,
        '/api/v2/nothing-here',
      );

      expect(v1.status).toBe(404);
      expect(await readJson(v1)).toMatchObject({
        success: false,
        data: null,
        additional_data: null,
      });
      expect(v2.status).toBe(404);
    });

    it('serves no API on the OAuth port', async () => {
      const response = await apiGet(
        sandbox.oauthUrl,
        tokens.access_token,
        '/api/v1/users/me',
      );

      expect(response.status).toBe(404);
    });
  });

  describe('request bodies', () => {
    it('rejects a 2 MiB body with a 413 envelope', async () => {
      const tokens = await install(sandbox);
      const response = await fetch(`${tokens.api_domain}/api/v1/webhooks`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens.access_token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
      });
      const body = await readJson(response);

      expect(response.status).toBe(413);
      expect(body.success).toBe(false);
      expect(body.error).toMatch(/too large/i);
      expect(body.errorCode).toBe(413);
      expect(body.data).toBeNull();
    });

    it('rejects a 2 MiB control body with 413', async () => {
      const response = await control(sandbox, 'faults', {
        status: 500,
        times: 1,
        padding: 'x'.repeat(2 * 1024 * 1024),
      });

      expect(response.status).toBe(413);
      expect((await readJson(response)).error).toMatch(/too large/i);
    });
  });

  describe('rate limit', () => {
    it('answers 429 past the burst and recovers after the window', async () => {
      await control(sandbox, 'rate-limit', { burst: 5, windowSeconds: 1 });
      const tokens = await install(sandbox);
      const get = () =>
        apiGet(tokens.api_domain, tokens.access_token, '/api/v1/users/me');

      const allowed: Response[] = [];
      for (let i = 0; i < 5; i++) {
        allowed.push(await get());
      }
      const limited = await get();

      expect(allowed.map((response) => response.status)).toEqual([
        200, 200, 200, 200, 200,
      ]);
      expect(allowed[0].headers.get('x-ratelimit-limit')).toBe('5');
      expect(allowed[0].headers.get('x-ratelimit-remaining')).toBe('4');
      expect(allowed[4].headers.get('x-ratelimit-remaining')).toBe('0');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('x-ratelimit-limit')).toBe('5');
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(
        0,
      );
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await readJson(limited)).toMatchObject({
        success: false,
        errorCode: 429,
      });

      await new Promise((resolve) => setTimeout(resolve, 1100));
      const recovered = await get();
      expect(recovered.status).toBe(200);
      const stats = await readJson(await control(sandbox, 'stats'));
      expect(stats.rateLimited).toBe(1);
    });

    it('counts each token separately', async () => {
      await control(sandbox, 'rate-limit', { burst: 2, windowSeconds: 10 });
      const first = await install(sandbox);
      const second = await install(sandbox);
      for (let i = 0; i < 3; i++) {
        await apiGet(first.api_domain, first.access_token, '/api/v1/users/me');
      }
      const response = await apiGet(
        second.api_domain,
        second.access_token,
        '/api/v1/users/me',
      );

      expect(response.status).toBe(200);
    });
  });

  describe('controls', () => {
    it('logs API requests with token ids, never tokens', async () => {
      const tokens = await install(sandbox);
      await apiGet(
        tokens.api_domain,
        tokens.access_token,
        '/api/v1/leads?limit=2',
      );
      await apiGet(tokens.api_domain, 'bogus', '/api/v1/users/me');
      const log = await readJson(await control(sandbox, 'requests'));
      const stats = await readJson(await control(sandbox, 'stats'));
      const company = sandbox.companies()[0];

      expect(log).toHaveLength(2);
      expect(log[0]).toMatchObject({
        method: 'GET',
        path: '/api/v1/leads',
        companyId: company.id,
        userId: company.users[0].id,
        status: 200,
      });
      expect(log[0].tokenId).toMatch(/^at_/);
      expect(new Date(log[0].at).toISOString()).toBe(log[0].at);
      expect(log[1]).toMatchObject({
        status: 401,
        tokenId: null,
        userId: null,
      });
      expect(JSON.stringify(log)).not.toContain(tokens.access_token);
      expect(stats.apiRequests).toBe(2);
    });

    it('injects faults for the given number of requests', async () => {
      const tokens = await install(sandbox);
      const fault = await control(sandbox, 'faults', {
        status: 503,
        times: 2,
        path: '/api/v1/leads',
      });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await apiGet(
          tokens.api_domain,
          tokens.access_token,
          '/api/v1/leads',
        );
        statuses.push(response.status);
      }
      const other = await apiGet(
        tokens.api_domain,
        tokens.access_token,
        '/api/v1/users/me',
      );

      expect(await readJson(fault)).toEqual({ status: 503, times: 2 });
      expect(statuses).toEqual([503, 503, 200]);
      expect(other.status).toBe(200);
    });

    it('delays without failing when the status is 200', async () => {
      const tokens = await install(sandbox);
      await control(sandbox, 'faults', {
        status: 200,
        times: 1,
        latencyMs: 300,
      });
      const started = Date.now();
      const response = await apiGet(
        tokens.api_domain,
        tokens.access_token,
        '/api/v1/users/me',
      );

      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    });

    it('fails the token endpoint only when the path names it', async () => {
      const tokens = await install(sandbox);
      await control(sandbox, 'faults', {
        status: 500,
        times: 1,
        path: '/oauth/token',
      });
      const refresh = () =>
        fetch(`${sandbox.oauthUrl}/oauth/token`, {
          method: 'POST',
          headers: {
            authorization: basicAuth(),
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: tokens.refresh_token,
          }),
        });

      expect((await refresh()).status).toBe(500);
      expect((await refresh()).status).toBe(200);
    });

    it('rejects bad control bodies naming the field', async () => {
      const fault = await control(sandbox, 'faults', { status: 'x', times: 1 });
      const rate = await control(sandbox, 'rate-limit', { burst: 0 });
      const uninstall = await control(sandbox, 'uninstall', {
        companyId: 'one',
        userId: 1,
      });

      expect(fault.status).toBe(400);
      expect((await readJson(fault)).error).toContain('status');
      expect(rate.status).toBe(400);
      expect((await readJson(rate)).error).toContain('burst');
      expect(uninstall.status).toBe(400);
      expect((await readJson(uninstall)).error).toContain('companyId');
    });

    it('forgets tokens, faults and counters on reset', async () => {
      const tokens = await install(sandbox);
      await control(sandbox, 'faults', { status: 500, times: 5 });
      await control(sandbox, 'reset', {});
      const response = await apiGet(
        tokens.api_domain,
        tokens.access_token,
        '/api/v1/users/me',
      );
      const stats = await readJson(await control(sandbox, 'stats'));

      expect(response.status).toBe(401);
      expect(stats).toEqual({
        grants: { authorization_code: 0, refresh_token: 0 },
        revocations: 0,
        apiRequests: 1,
        rateLimited: 0,
      });
    });

    it('rejects fault times above 10000', async () => {
      const tooMany = await control(sandbox, 'faults', {
        status: 500,
        times: 1e9,
      });
      const max = await control(sandbox, 'faults', {
        status: 500,
        times: 10_000,
      });

      expect(tooMany.status).toBe(400);
      expect((await readJson(tooMany)).error).toContain('times');
      expect(max.status).toBe(200);
    });

    it('clears pending faults on DELETE', async () => {
      const tokens = await install(sandbox);
      await control(sandbox, 'faults', { status: 500, times: 5 });
      await control(sandbox, 'faults', {
        status: 503,
        times: 1,
        path: '/oauth/token',
      });
      const cleared = await fetch(`${sandbox.oauthUrl}/_sandbox/faults`, {
        method: 'DELETE',
      });
      const response = await apiGet(
        tokens.api_domain,
        tokens.access_token,
        '/api/v1/users/me',
      );
      const again = await fetch(`${sandbox.oauthUrl}/_sandbox/faults`, {
        method: 'DELETE',
      });

      expect(cleared.status).toBe(200);
      expect(await readJson(cleared)).toEqual({ cleared: 2 });
      expect(response.status).toBe(200);
      expect(await readJson(again)).toEqual({ cleared: 0 });
    });

    it('lists companies with their api_domains and users', async () => {
      const companies = await readJson(await control(sandbox, 'companies'));

      expect(companies.length).toBeGreaterThanOrEqual(3);
      expect(companies[0].users.length).toBeGreaterThanOrEqual(2);
      expect(companies[0].users[0].isAdmin).toBe(true);
      const domains = new Set(companies.map((c: any) => c.apiDomain));
      expect(domains.size).toBe(companies.length);
      expect(companies).toEqual(sandbox.companies());
    });
  });
});
