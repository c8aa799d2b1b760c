import type { SandboxHandle } from '../../src/sandbox/sandbox';
import { readConsentForm } from '../support/install';
import {
  apiGet,
  authorize,
  basicAuth,
  control,
  install,
  postToken,
  readJson,
  startTestSandbox,
  TEST_APP,
} from './sandbox-test-helpers';

describe('sandbox OAuth server', () => {
  let sandbox: SandboxHandle;
  let clock: number;

  beforeAll(async () => {
    clock = Date.now();
    sandbox = await startTestSandbox({ now: () => clock });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(async () => {
    clock = Date.now();
    await control(sandbox, 'reset', {});
  });

  describe('consent page', () => {
    it('shows the form with company, user and both buttons', async () => {
      const url = new URL(`${sandbox.oauthUrl}/oauth/authorize`);
      url.searchParams.set('client_id', TEST_APP.clientId);
      url.searchParams.set('redirect_uri', TEST_APP.redirectUri);
      url.searchParams.set('state', 'abc');
      const response = await fetch(url);
      const html = await response.text();

      expect(response.status).toBe(200);
      expect(html).toContain('<select id="company_id" name="company_id">');
      expect(html).toContain('<select id="user_id" name="user_id">');
      expect(html).toContain(
        '<button type="submit" name="decision" value="allow">',
      );
      expect(html).toContain(
        '<button type="submit" name="decision" value="deny">',
      );
      expect(html).toContain('name="state" value="abc"');
    });

    it('rejects an unknown client without redirecting', async () => {
      const url = new URL(`${sandbox.oauthUrl}/oauth/authorize`);
      url.searchParams.set('client_id', 'someone-else');
      url.searchParams.set('redirect_uri', TEST_APP.redirectUri);
      const response = await fetch(url, { redirect: 'manual' });

      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    });

    it('rejects a redirect_uri that differs from the registered one', async () => {
      const url = new URL(`${sandbox.oauthUrl}/oauth/authorize`);
      url.searchParams.set('client_id', TEST_APP.clientId);
      url.searchParams.set('redirect_uri', `${TEST_APP.redirectUri}/evil`);
      const response = await fetch(url, { redirect: 'manual' });

      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    });

    it('redirects with user_denied and the state on deny', async () => {
      const company = sandbox.companies()[0];
      const response = await fetch(`${sandbox.oauthUrl}/oauth/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: TEST_APP.clientId,
          redirect_uri: TEST_APP.redirectUri,
          state: 'xyz',
          company_id: String(company.id),
          user_id: String(company.users[0].id),
          decision: 'deny',
        }),
        redirect: 'manual',
      });
      const location = new URL(response.headers.get('location') ?? '');

      expect(response.status).toBe(302);
      expect(location.searchParams.get('error')).toBe('user_denied');
      expect(location.searchParams.get('state')).toBe('xyz');
      expect(location.searchParams.get('code')).toBeNull();
    });

    it('labels the deny button Deny', async () => {
      const url = new URL(`${sandbox.oauthUrl}/oauth/authorize`);
      url.searchParams.set('client_id', TEST_APP.clientId);
      url.searchParams.set('redirect_uri', TEST_APP.redirectUri);
      const html = await (await fetch(url)).text();

      expect(html).toContain(
        '<button type="submit" name="decision" value="deny">Deny</button>',
      );
    });

    it('rejects a user of another company with 400', async () => {
      const [first, second] = sandbox.companies();

      await expect(
        authorize(sandbox, first.id, second.users[0].id),
      ).rejects.toThrow(/400/);
    });

    it('shows the form again after a mismatched user', async () => {
      const [first, second] = sandbox.companies();
      const otherUser = second.users[0];
      const response = await fetch(`${sandbox.oauthUrl}/oauth/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: TEST_APP.clientId,
          redirect_uri: TEST_APP.redirectUri,
          state: 'keep-me',
          company_id: String(first.id),
          user_id: String(otherUser.id),
          decision: 'allow',
        }),
        redirect: 'manual',
      });
      const html = await response.text();
      const errorAt = html.indexOf('class="error"');
      const formAt = html.indexOf('<form');

      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(errorAt).toBeGreaterThan(-1);
      expect(errorAt).toBeLessThan(formAt);
      expect(html).toContain(`User ${otherUser.id} does not belong to`);
      expect(html).toContain(`<option value="${first.id}" selected>`);
      expect(html).toContain(`<option value="${otherUser.id}" selected>`);
      expect(html).toContain('name="state" value="keep-me"');
      expect(html).toContain(`name="client_id" value="${TEST_APP.clientId}"`);
      expect(html).toContain('<select id="company_id" name="company_id">');
      expect(html).toContain('<select id="user_id" name="user_id">');
      expect(html).toContain(
        '<button type="submit" name="decision" value="allow">',
      );
      expect(html).toContain(
        '<button type="submit" name="decision" value="deny">Deny</button>',
      );
    });

    it('approves the corrected form', async () => {
      const [first, second] = sandbox.companies();
      const rejected = await fetch(`${sandbox.oauthUrl}/oauth/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: TEST_APP.clientId,
          redirect_uri: TEST_APP.redirectUri,
          state: 'retry',
          company_id: String(first.id),
          user_id: String(second.users[0].id),
          decision: 'allow',
        }),
        redirect: 'manual',
      });
      const fields = readConsentForm(await rejected.text()).fields;
      fields.company_id = String(second.id);
      fields.decision = 'allow';
      const corrected = await fetch(`${sandbox.oauthUrl}/oauth/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields),
        redirect: 'manual',
      });
      const location = new URL(corrected.headers.get('location') ?? '');

      expect(corrected.status).toBe(302);
      expect(location.searchParams.get('code')).not.toBeNull();
      expect(location.searchParams.get('state')).toBe('retry');
    });

    it('approves the unchanged form as the first user', async () => {
      const url = new URL(`${sandbox.oauthUrl}/oauth/authorize`);
      url.searchParams.set('client_id', TEST_APP.clientId);
      url.searchParams.set('redirect_uri', TEST_APP.redirectUri);
      const fields = readConsentForm(await (await fetch(url)).text()).fields;
      const first = sandbox.companies()[0];

      expect(fields.company_id).toBe(String(first.id));
      expect(fields.user_id).toBe(String(first.users[0].id));
    });
  });

  describe('token endpoint', () => {
    it('exchanges a code for tokens of the chosen user', async () => {
      const company = sandbox.companies()[0];
      const tokens = await install(sandbox, company.id, company.users[1].id);

      expect(tokens.token_type).toBe('Bearer');
      expect(tokens.expires_in).toBe(3600);
      expect(tokens.api_domain).toBe(sandbox.apiDomain(company.id));
      expect(tokens.scope.split(',')).toContain('leads:full');
      const me = await apiGet(
        tokens.api_domain,
        tokens.access_token,
        '/api/v1/users/me',
      );
      const body = await readJson(me);
      expect(me.status).toBe(200);
      expect(body.data.id).toBe(company.users[1].id);
      expect(body.data.company_id).toBe(company.id);
    });

    it('refreshes with the same refresh token and a new access token', async () => {
      const tokens = await install(sandbox);
      const response = await postToken(sandbox, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
      });
      const refreshed = await readJson(response);

      expect(response.status).toBe(200);
      expect(refreshed.refresh_token).toBe(tokens.refresh_token);
      expect(refreshed.access_token).not.toBe(tokens.access_token);
      expect(refreshed.api_domain).toBe(tokens.api_domain);
    });

    it('expires the access token after expires_in seconds', async () => {
      const tokens = await install(sandbox);
      const get = () =>
        apiGet(tokens.api_domain, tokens.access_token, '/api/v1/users/me');
      clock += tokens.expires_in * 1000 - 1;
      const before = await get();
      clock += 1;
      const after = await get();

      expect(before.status).toBe(200);
      expect(after.status).toBe(401);
    });

    it('accepts the trailing-slash path', async () => {
      const tokens = await install(sandbox);
      const response = await fetch(`${sandbox.oauthUrl}/oauth/token/`, {
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

      expect(response.status).toBe(200);
    });

    it('accepts client credentials in the body', async () => {
      const code = await authorize(
        sandbox,
        sandbox.companies()[0].id,
        sandbox.companies()[0].users[0].id,
      );
      const response = await postToken(
        sandbox,
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: TEST_APP.redirectUri,
          client_id: TEST_APP.clientId,
          client_secret: TEST_APP.clientSecret,
        },
        {},
      );

      expect(response.status).toBe(200);
    });

    it('rejects a reused code', async () => {
      const company = sandbox.companies()[0];
      const code = await authorize(sandbox, company.id, company.users[0].id);
      const form = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: TEST_APP.redirectUri,
      };
      const first = await postToken(sandbox, form);
      const firstTokens = await readJson(first);
      const second = await postToken(sandbox, form);

      expect(first.status).toBe(200);
      expect(second.status).toBe(400);
      expect(await readJson(second)).toEqual({
        success: false,
        error: 'invalid_grant',
        message: 'Invalid grant: authorization_code is invalid',
      });
      // The failed reuse leaves the first grant's tokens working.
      const me = await apiGet(
        firstTokens.api_domain,
        firstTokens.access_token,
        '/api/v1/users/me',
      );
      expect(me.status).toBe(200);
    });

    it('rejects a code older than 5 minutes', async () => {
      const company = sandbox.companies()[0];
      const code = await authorize(sandbox, company.id, company.users[0].id);
      clock += 5 * 60_000 + 1;
      const response = await postToken(sandbox, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: TEST_APP.redirectUri,
      });

      expect(response.status).toBe(400);
      expect(await readJson(response)).toMatchObject({
        error: 'invalid_grant',
        message: 'Invalid grant: authorization_code has expired',
      });
    });

    it('rejects a different redirect_uri at exchange', async () => {
      const company = sandbox.companies()[0];
      const code = await authorize(sandbox, company.id, company.users[0].id);
      const response = await postToken(sandbox, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://127.0.0.1:9/other',
      });

      expect(response.status).toBe(400);
      expect(await readJson(response)).toMatchObject({
        error: 'invalid_request',
        message: 'Invalid request: redirect_uri is invalid',
      });
    });

    it('rejects a JSON body', async () => {
      const response = await fetch(`${sandbox.oauthUrl}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: basicAuth(),
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          grant_type: 'refresh_token',
          refresh_token: 'x',
        }),
      });

      expect(response.status).toBe(400);
      expect(await readJson(response)).toMatchObject({
        error: 'invalid_request',
        message:
          'Invalid request: content must be application/x-www-form-urlencoded',
      });
    });

    it('rejects a wrong client secret with 401', async () => {
      const response = await postToken(
        sandbox,
        { grant_type: 'refresh_token', refresh_token: 'x' },
        { authorization: basicAuth(TEST_APP.clientId, 'wrong-secret') },
      );

      expect(response.status).toBe(401);
      expect(await readJson(response)).toMatchObject({
        error: 'invalid_client',
        message: 'Invalid client: client is invalid',
      });
    });

    it('rejects missing client credentials with 401', async () => {
      const response = await postToken(
        sandbox,
        { grant_type: 'refresh_token', refresh_token: 'x' },
        {},
      );

      expect(response.status).toBe(401);
      expect(await readJson(response)).toMatchObject({
        error: 'invalid_client',
        message: 'Invalid client: cannot retrieve client credentials',
      });
    });

    it('rejects a missing and an unknown grant_type', async () => {
      const missing = await postToken(sandbox, { code: 'x' });
      const unknown = await postToken(sandbox, { grant_type: 'password' });

      expect(missing.status).toBe(400);
      expect((await readJson(missing)).message).toBe(
        'Missing parameter: grant_type',
      );
      expect(unknown.status).toBe(400);
      expect(await readJson(unknown)).toMatchObject({
        error: 'unsupported_grant_type',
        message: 'Unsupported grant type: grant_type is invalid',
      });
    });

    it('rejects an unknown refresh token', async () => {
      const response = await postToken(sandbox, {
        grant_type: 'refresh_token',
        refresh_token: '1:2:0123456789abcdef0123456789abcdef01234567',
      });

      expect(response.status).toBe(400);
      expect(await readJson(response)).toEqual({
        success: false,
        error: 'invalid_grant',
        message: 'Invalid grant: refresh_token is invalid',
      });
    });

    it('grants the scopes set through the scopes control', async () => {
      const set = await control(sandbox, 'scopes', {
        scopes: ['base', 'leads:read'],
      });
      const tokens = await install(sandbox);

      expect(await readJson(set)).toEqual({ scopes: ['base', 'leads:read'] });
      expect(tokens.scope).toBe('base,leads:read');
    });

    it('returns the new api_domain after a move', async () => {
      const company = sandbox.companies()[1];
      const tokens = await install(sandbox, company.id);
      const moved = await control(sandbox, 'move-api-domain', {
        companyId: company.id,
      });
      const movedBody = await readJson(moved);
      const refreshed = await postToken(sandbox, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
      });
      const refreshedBody = await readJson(refreshed);

      expect(moved.status).toBe(200);
      expect(movedBody.apiDomain).not.toBe(tokens.api_domain);
      expect(refreshedBody.api_domain).toBe(movedBody.apiDomain);
      // The old listener is closed, so the old api_domain refuses connections.
      await expect(
        apiGet(tokens.api_domain, tokens.access_token, '/api/v1/users/me'),
      ).rejects.toThrow();
      const atNew = await apiGet(
        movedBody.apiDomain,
        refreshedBody.access_token,
        '/api/v1/users/me',
      );
      expect(atNew.status).toBe(200);
    });
  });

  describe('revocation', () => {
    it('ends only the revoked access token', async () => {
      const tokens = await install(sandbox);
      const revoke = await fetch(`${sandbox.oauthUrl}/oauth/revoke`, {
        method: 'POST',
        headers: {
          authorization: basicAuth(),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          token: tokens.access_token,
          token_type_hint: 'access_token',
        }),
      });
      const me = await apiGet(
        tokens.api_domain,
        tokens.access_token,
        '/api/v1/users/me',
      );
      const refreshed = await postToken(sandbox, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
      });

      expect(revoke.status).toBe(200);
      expect(me.status).toBe(401);
      expect(refreshed.status).toBe(200);
    });

    it('answers 200 for an unknown token', async () => {
      const revoke = await fetch(`${sandbox.oauthUrl}/oauth/revoke`, {
        method: 'POST',
        headers: {
          authorization: basicAuth(),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: 'not-a-token' }),
      });

      expect(revoke.status).toBe(200);
    });

    it('rejects bad client credentials', async () => {
      const revoke = await fetch(`${sandbox.oauthUrl}/oauth/revoke`, {
        method: 'POST',
        headers: {
          authorization: basicAuth('test-client-id', 'nope'),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: 'x' }),
      });

      expect(revoke.status).toBe(401);
    });
  });

  it('counts grants and revocations in stats', async () => {
    const tokens = await install(sandbox);
    await postToken(sandbox, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });
    await fetch(`${sandbox.oauthUrl}/oauth/revoke`, {
      method: 'POST',
      headers: {
        authorization: basicAuth(),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: tokens.access_token }),
    });
    const stats = await readJson(await control(sandbox, 'stats'));

    expect(stats).toEqual({
      grants: { authorization_code: 1, refresh_token: 1 },
      revocations: 1,
      apiRequests: 0,
      rateLimited: 0,
    });
  });
});
