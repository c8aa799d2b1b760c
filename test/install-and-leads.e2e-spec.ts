import { TokenCipher } from '../src/crypto/token-cipher';
import { parseEncryptionKeys } from '../src/config/load-config';
import {
  beginInstall,
  control,
  getAs,
  readJson,
  installThroughConsent,
  submitConsent,
} from './support/install';
import { startStack, type TestStack } from './support/stack';

interface SandboxStats {
  grants: { authorization_code: number; refresh_token: number };
  apiRequests: number;
}

describe('install through the sandbox and proxy leads', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  beforeEach(async () => {
    await stack.db.query('DELETE FROM installations');
  });

  it('installs by consent and serves that company’s leads', async () => {
    const install = await installThroughConsent(stack);

    expect(install.status).toBe(200);
    expect(install.page).toContain('App installed');

    const response = await getAs(
      stack,
      `/companies/${install.companyId}/api/v1/leads?limit=100`,
    );
    const body = await readJson(response);

    expect(response.status).toBe(200);
    expect(body.success).toBe(true);
    expect(body.data).toHaveLength(100);
    expect(body.additional_data).toMatchObject({
      start: 0,
      limit: 100,
      more_items_in_collection: true,
    });
  });

  it('serves the second page via start', async () => {
    const install = await installThroughConsent(stack);
    const first = await readJson(
      await getAs(
        stack,
        `/companies/${install.companyId}/api/v1/leads?limit=100`,
      ),
    );

    const response = await getAs(
      stack,
      `/companies/${install.companyId}/api/v1/leads?start=100&limit=100`,
    );
    const second = await readJson(response);

    expect(response.status).toBe(200);
    expect(second.additional_data.start).toBe(100);
    const firstIds = new Set(first.data.map((lead: { id: string }) => lead.id));
    expect(
      second.data.some((lead: { id: string }) => firstIds.has(lead.id)),
    ).toBe(false);
  });

  it('passes Pipedrive’s body through byte for byte', async () => {
    const install = await installThroughConsent(stack);
    const viaGateway = await (
      await getAs(
        stack,
        `/companies/${install.companyId}/api/v1/leads?limit=7&start=3`,
      )
    ).text();
    const row = await stack.db.query(
      'SELECT id, token_key_id, access_token_ciphertext FROM installations WHERE company_id = $1',
      [install.companyId],
    );
    const cipher = new TokenCipher(
      parseEncryptionKeys(stack.env.TOKEN_ENCRYPTION_KEYS, []),
    );
    const accessToken = cipher.decrypt(
      {
        keyId: row.rows[0].token_key_id,
        ciphertext: row.rows[0].access_token_ciphertext,
      },
      `${row.rows[0].id}:access`,
    );

    const direct = await fetch(
      `${stack.sandbox.apiDomain(install.companyId)}/api/v1/leads?limit=7&start=3`,
      { headers: { authorization: `Bearer ${accessToken}` } },
    );

    expect(viaGateway).toBe(await direct.text());
  });

  it('stores no token in plain text', async () => {
    const install = await installThroughConsent(stack);
    await getAs(stack, `/companies/${install.companyId}/api/v1/leads?limit=1`);
    const requests = await control<Array<{ tokenId: string }>>(
      stack,
      'requests',
    );
    expect(requests.length).toBeGreaterThan(0);

    const rows = await stack.db.query('SELECT * FROM installations');
    const raw = JSON.stringify(rows.rows);
    const cipher = new TokenCipher(
      parseEncryptionKeys(stack.env.TOKEN_ENCRYPTION_KEYS, []),
    );
    const row = rows.rows[0];
    const accessToken = cipher.decrypt(
      { keyId: row.token_key_id, ciphertext: row.access_token_ciphertext },
      `${row.id}:access`,
    );
    const refreshToken = cipher.decrypt(
      { keyId: row.token_key_id, ciphertext: row.refresh_token_ciphertext },
      `${row.id}:refresh`,
    );

    expect(accessToken.length).toBeGreaterThan(10);
    expect(raw).not.toContain(accessToken);
    expect(raw).not.toContain(refreshToken);
    expect(row.token_key_id).toBe('test1');
  });

  it('rejects a tampered state without asking for a token', async () => {
    const before = await control<SandboxStats>(stack, 'stats');
    const { consentUrl, cookie } = await beginInstall(stack);
    const callbackUrl = new URL(await submitConsent(consentUrl));
    callbackUrl.searchParams.set(
      'state',
      `${callbackUrl.searchParams.get('state')}x`,
    );

    const response = await fetch(callbackUrl, { headers: { cookie } });

    expect(response.status).toBe(400);
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.grants.authorization_code).toBe(
      before.grants.authorization_code,
    );
    expect((await stack.db.query('SELECT 1 FROM installations')).rowCount).toBe(
      0,
    );
  });

  it('rejects a bracketed state without asking for a token', async () => {
    const before = await control<SandboxStats>(stack, 'stats');
    const { consentUrl, cookie } = await beginInstall(stack);
    const callbackUrl = new URL(await submitConsent(consentUrl));
    const state = callbackUrl.searchParams.get('state') ?? '';
    callbackUrl.searchParams.delete('state');
    callbackUrl.searchParams.set('state[]', state);

    const response = await fetch(callbackUrl, { headers: { cookie } });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('state parameter is malformed');
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.grants.authorization_code).toBe(
      before.grants.authorization_code,
    );
  });

  it('rejects a replayed state', async () => {
    const { consentUrl, cookie } = await beginInstall(stack);
    const callbackUrl = await submitConsent(consentUrl);
    const first = await fetch(callbackUrl, { headers: { cookie } });
    expect(first.status).toBe(200);
    const before = await control<SandboxStats>(stack, 'stats');

    const replay = await fetch(callbackUrl, { headers: { cookie } });

    expect(replay.status).toBe(403);
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.grants.authorization_code).toBe(
      before.grants.authorization_code,
    );
  });

  it('rejects a state used from another browser', async () => {
    const { consentUrl } = await beginInstall(stack);
    const callbackUrl = await submitConsent(consentUrl);
    const before = await control<SandboxStats>(stack, 'stats');

    const response = await fetch(callbackUrl, {
      headers: { cookie: 'pd_install=someone-else' },
    });

    expect(response.status).toBe(403);
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.grants.authorization_code).toBe(
      before.grants.authorization_code,
    );
  });

  it('finishes installs started in two tabs of one browser', async () => {
    const first = await beginInstall(stack);
    const second = await fetch(`${stack.url}/oauth/authorize`, {
      redirect: 'manual',
      headers: { cookie: first.cookie },
    });
    expect(second.headers.getSetCookie().join()).toContain(first.cookie);
    const firstCallback = await submitConsent(first.consentUrl);
    const secondCallback = await submitConsent(
      second.headers.get('location') ?? '',
    );

    const responses = [
      await fetch(firstCallback, { headers: { cookie: first.cookie } }),
      await fetch(secondCallback, { headers: { cookie: first.cookie } }),
    ];

    expect(responses.map((response) => response.status)).toEqual([200, 200]);
  });

  it('keeps a state usable after another browser tried it', async () => {
    const { consentUrl, cookie } = await beginInstall(stack);
    const callbackUrl = await submitConsent(consentUrl);
    const stranger = await fetch(callbackUrl, {
      headers: { cookie: 'pd_install=someone-else' },
    });
    expect(stranger.status).toBe(403);

    const owner = await fetch(callbackUrl, { headers: { cookie } });

    expect(owner.status).toBe(200);
  });

  it('rejects an expired state', async () => {
    const { consentUrl, cookie } = await beginInstall(stack);
    const callbackUrl = await submitConsent(consentUrl);
    await stack.db.query(
      "UPDATE oauth_states SET expires_at = now() - interval '1 second'",
    );
    const before = await control<SandboxStats>(stack, 'stats');

    const response = await fetch(callbackUrl, { headers: { cookie } });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('expired');
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.grants.authorization_code).toBe(
      before.grants.authorization_code,
    );
  });

  it('stores nothing when the user declines', async () => {
    const { consentUrl, cookie } = await beginInstall(stack);
    const callbackUrl = await submitConsent(consentUrl, { decision: 'deny' });

    const response = await fetch(callbackUrl, { headers: { cookie } });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('App not installed');
    expect((await stack.db.query('SELECT 1 FROM installations')).rowCount).toBe(
      0,
    );
  });

  it('accepts a Marketplace install without state', async () => {
    const { consentUrl } = await beginInstall(stack);
    const url = new URL(consentUrl);
    url.searchParams.delete('state');
    const callbackUrl = new URL(await submitConsent(url.toString()));
    callbackUrl.searchParams.delete('state');

    const response = await fetch(callbackUrl);

    expect(response.status).toBe(200);
    expect(
      (
        await stack.db.query(
          "SELECT 1 FROM installations WHERE status = 'active'",
        )
      ).rowCount,
    ).toBe(1);
  });

  it('refuses a replayed authorization code', async () => {
    const { consentUrl } = await beginInstall(stack);
    const url = new URL(consentUrl);
    url.searchParams.delete('state');
    const callbackUrl = new URL(await submitConsent(url.toString()));
    callbackUrl.searchParams.delete('state');
    expect((await fetch(callbackUrl)).status).toBe(200);

    const replay = await fetch(callbackUrl);

    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('authorization code');
  });

  it('answers 401 without a credential and 404 for a company not installed', async () => {
    const anonymous = await fetch(`${stack.url}/companies/1/api/v1/leads`);
    expect(anonymous.status).toBe(401);
    expect((await readJson(anonymous)).code).toBe('unauthorized');

    const notInstalled = await getAs(stack, '/companies/424242/api/v1/leads');
    expect(notInstalled.status).toBe(404);
    expect(await readJson(notInstalled)).toMatchObject({
      success: false,
      code: 'company_not_installed',
    });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=501', 'limit'],
    ['start=-1', 'start'],
    ['sort=title%20SIDEWAYS', 'sort'],
    ['updated_since=yesterday', 'updated_since'],
    ['unknown=1', 'unknown'],
    ['owner_id[]=1', 'owner_id[]'],
    ['limit=5&limit=6', 'limit'],
  ])('rejects %s with 400 naming %s', async (query, field) => {
    const install = await installThroughConsent(stack);
    const before = await control<SandboxStats>(stack, 'stats');

    const response = await getAs(
      stack,
      `/companies/${install.companyId}/api/v1/leads?${query}`,
    );
    const body = await readJson(response);

    expect(response.status).toBe(400);
    expect(body.code).toBe('validation_failed');
    expect(body.error).toContain(field);
    expect(body.fields[0].field).toBe(field);
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.apiRequests).toBe(before.apiRequests);
  });

  it('says a repeated parameter must be given once', async () => {
    const install = await installThroughConsent(stack);

    const response = await getAs(
      stack,
      `/companies/${install.companyId}/api/v1/leads?limit=5&limit=6`,
    );
    const body = await readJson(response);

    expect(response.status).toBe(400);
    expect(body.fields).toEqual([
      {
        field: 'limit',
        rule: 'single',
        message: 'limit must be given once, not as a list',
      },
    ]);
  });
});

describe('api_domain allowlist', () => {
  let stack: TestStack;

  afterAll(async () => {
    await stack?.close();
  });

  it('refuses an install whose api_domain is not allowlisted', async () => {
    stack = await startStack({
      env: { PIPEDRIVE_API_DOMAIN_ALLOWLIST: 'https://*.pipedrive.com' },
    });
    const before = await control<SandboxStats>(stack, 'stats');

    const install = await installThroughConsent(stack);

    expect(install.status).toBe(400);
    expect(install.page).toContain('PIPEDRIVE_API_DOMAIN_ALLOWLIST');
    expect((await stack.db.query('SELECT 1 FROM installations')).rowCount).toBe(
      0,
    );
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.apiRequests).toBe(before.apiRequests);
  });
});
