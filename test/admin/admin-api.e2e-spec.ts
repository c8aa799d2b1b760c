import { randomUUID } from 'node:crypto';
import { parseEncryptionKeys } from '../../src/config/load-config';
import { TokenCipher } from '../../src/crypto/token-cipher';
import { control, installThroughConsent, readJson } from '../support/install';
import { startStack, type TestStack } from '../support/stack';

interface Call {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

interface SandboxStats {
  grants: { authorization_code: number; refresh_token: number };
}

describe('admin API', () => {
  let stack: TestStack;
  /** Every token the sandbox issued, read back from the database. */
  const issuedTokens = new Set<string>();
  /** Every admin response body, checked for tokens at the end. */
  const responseTexts: string[] = [];

  async function call(
    method: string,
    path: string,
    options: { body?: unknown; credential?: string | null } = {},
  ): Promise<Call> {
    const credential =
      options.credential === undefined ? stack.adminKey : options.credential;
    const headers: Record<string, string> = {};
    if (credential !== null) {
      headers.authorization = `Bearer ${credential}`;
    }
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${stack.url}${path}`, {
      method,
      headers,
      body:
        options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    responseTexts.push(text);

    return {
      status: response.status,
      text,
      body: text ? JSON.parse(text) : null,
      headers: response.headers,
    };
  }

  /** Decrypts every stored token, the way the gateway does. */
  async function collectTokens(): Promise<void> {
    const cipher = new TokenCipher(
      parseEncryptionKeys(stack.env.TOKEN_ENCRYPTION_KEYS, []),
    );
    const rows = await stack.db.query(
      `SELECT id, token_key_id, access_token_ciphertext, refresh_token_ciphertext
         FROM installations WHERE token_key_id IS NOT NULL`,
    );
    for (const row of rows.rows) {
      if (row.access_token_ciphertext) {
        issuedTokens.add(
          cipher.decrypt(
            {
              keyId: row.token_key_id,
              ciphertext: row.access_token_ciphertext,
            },
            `${row.id}:access`,
          ),
        );
      }
      if (row.refresh_token_ciphertext) {
        issuedTokens.add(
          cipher.decrypt(
            {
              keyId: row.token_key_id,
              ciphertext: row.refresh_token_ciphertext,
            },
            `${row.id}:refresh`,
          ),
        );
      }
    }
  }

  async function install(companyIndex: number, userIndex = 0): Promise<string> {
    const company = stack.sandbox.companies()[companyIndex];
    const userId = company.users[userIndex].id;
    const result = await installThroughConsent(stack, {
      companyId: company.id,
      userId,
    });
    expect(result.status).toBe(200);
    const row = await stack.db.query(
      'SELECT id FROM installations WHERE company_id = $1 AND user_id = $2',
      [company.id, userId],
    );
    await collectTokens();

    return row.rows[0].id as string;
  }

  async function auditEntries(
    action: string,
    installationId?: string,
  ): Promise<any[]> {
    const query = new URLSearchParams({ action, limit: '200' });
    if (installationId) {
      query.set('installationId', installationId);
    }
    const response = await call('GET', `/admin/audit-log?${query.toString()}`);
    expect(response.status).toBe(200);

    return response.body.data;
  }

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('authentication', () => {
    const routes: Array<[string, string]> = [
      ['GET', '/admin/installations'],
      ['GET', `/admin/installations/${randomUUID()}`],
      ['POST', `/admin/installations/${randomUUID()}/refresh`],
      ['POST', `/admin/installations/${randomUUID()}/revoke`],
      ['DELETE', `/admin/installations/${randomUUID()}`],
      ['POST', '/admin/api-keys'],
      ['GET', '/admin/api-keys'],
      ['DELETE', `/admin/api-keys/${randomUUID()}`],
      ['GET', '/admin/audit-log'],
    ];

    it.each(routes)(
      '%s %s rejects a missing or wrong key',
      async (method, path) => {
        const missing = await call(method, path, { credential: null });
        const wrong = await call(method, path, {
          credential: 'not-the-admin-key',
        });

        expect(missing.status).toBe(401);
        expect(missing.body.code).toBe('unauthorized');
        expect(wrong.status).toBe(401);
        expect(wrong.body.code).toBe('unauthorized');
      },
    );

    it('rejects a service API key on every admin route', async () => {
      const created = await call('POST', '/admin/api-keys', {
        body: { name: 'service for the 403 check' },
      });
      expect(created.status).toBe(201);

      for (const [method, path] of routes) {
        const response = await call(method, path, {
          credential: created.body.key,
        });
        expect({ method, path, status: response.status }).toEqual({
          method,
          path,
          status: 403,
        });
        expect(response.body.code).toBe('forbidden');
      }
    });
  });

  describe('installations', () => {
    let firstId: string;
    let secondId: string;

    beforeAll(async () => {
      firstId = await install(0);
      secondId = await install(1);
    });

    it('lists installations with their fields and no secrets', async () => {
      const response = await call('GET', '/admin/installations');

      expect(response.status).toBe(200);
      expect(response.body.nextCursor).toBeNull();
      const ids = response.body.data.map((item: { id: string }) => item.id);
      expect(ids).toEqual(expect.arrayContaining([firstId, secondId]));
      const first = response.body.data.find(
        (item: { id: string }) => item.id === firstId,
      );
      const company = stack.sandbox.companies()[0];
      expect(first).toMatchObject({
        companyId: company.id,
        userId: company.users[0].id,
        status: 'active',
        revocationPending: false,
        consecutiveRefreshFailures: 0,
      });
      expect(typeof first.companyName).toBe('string');
      expect(typeof first.userName).toBe('string');
      expect(typeof first.userIsAdmin).toBe('boolean');
      expect(Array.isArray(first.scopes)).toBe(true);
      expect(first.apiDomain).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(Date.parse(first.accessTokenExpiresAt)).toBeGreaterThan(
        Date.now(),
      );
      expect(Object.keys(first).sort()).toEqual(
        [
          'accessTokenExpiresAt',
          'apiDomain',
          'companyId',
          'companyName',
          'consecutiveRefreshFailures',
          'id',
          'installedAt',
          'lastRefreshAt',
          'lastRefreshOutcome',
          'revocationPending',
          'scopes',
          'status',
          'updatedAt',
          'userId',
          'userIsAdmin',
          'userName',
        ].sort(),
      );
      expect(response.text).not.toMatch(/ciphertext|token_key|refreshToken"/i);
    });

    it('filters by company and status', async () => {
      const company = stack.sandbox.companies()[1];
      const byCompany = await call(
        'GET',
        `/admin/installations?companyId=${company.id}`,
      );
      const revoked = await call('GET', '/admin/installations?status=revoked');

      expect(byCompany.status).toBe(200);
      expect(
        byCompany.body.data.map((item: { id: string }) => item.id),
      ).toEqual([secondId]);
      expect(revoked.status).toBe(200);
      expect(
        revoked.body.data.some((item: { id: string }) => item.id === firstId),
      ).toBe(false);
    });

    it('shows one installation', async () => {
      const response = await call('GET', `/admin/installations/${firstId}`);

      expect(response.status).toBe(200);
      expect(response.body.id).toBe(firstId);
      expect(response.body.status).toBe('active');
    });

    it('answers 404 for an unknown installation', async () => {
      const id = randomUUID();
      for (const [method, path] of [
        ['GET', `/admin/installations/${id}`],
        ['POST', `/admin/installations/${id}/refresh`],
        ['POST', `/admin/installations/${id}/revoke`],
        ['DELETE', `/admin/installations/${id}`],
      ]) {
        const response = await call(method, path);
        expect({ path, status: response.status }).toEqual({
          path,
          status: 404,
        });
        expect(response.body.code).toBe('installation_not_found');
      }
    });

    it.each([
      ['/admin/installations/not-a-uuid', 'id'],
      ['/admin/installations?limit=0', 'limit'],
      ['/admin/installations?limit=201', 'limit'],
      ['/admin/installations?limit=ten', 'limit'],
      ['/admin/installations?cursor=garbage', 'cursor'],
      [
        `/admin/installations?cursor=${Buffer.from('["2026-01-01T00:00:00.000000Z","x"]').toString('base64url')}`,
        'cursor',
      ],
      ['/admin/installations?status=sleeping', 'status'],
      ['/admin/installations?companyId=-4', 'companyId'],
      ['/admin/api-keys?limit=500', 'limit'],
      ['/admin/api-keys?cursor=abc', 'cursor'],
      ['/admin/audit-log?installationId=12', 'installationId'],
      ['/admin/audit-log?action=DROP%20TABLE', 'action'],
      ['/admin/audit-log?cursor=eyJ4Ijox', 'cursor'],
    ])('rejects %s naming %s', async (path, field) => {
      const response = await call('GET', path);

      expect(response.status).toBe(400);
      expect(response.body.code).toBe('validation_failed');
      expect(
        response.body.fields.map((problem: { field: string }) => problem.field),
      ).toContain(field);
    });

    it('refreshes an installation and audits it', async () => {
      const before = await control<SandboxStats>(stack, 'stats');
      const previous = (await call('GET', `/admin/installations/${firstId}`))
        .body;

      const response = await call(
        'POST',
        `/admin/installations/${firstId}/refresh`,
      );
      await collectTokens();
      const after = await control<SandboxStats>(stack, 'stats');

      expect(response.status).toBe(200);
      expect(response.body.id).toBe(firstId);
      expect(response.body.lastRefreshOutcome).toBe('refreshed');
      expect(Date.parse(response.body.lastRefreshAt)).toBeGreaterThanOrEqual(
        Date.parse(previous.installedAt),
      );
      expect(after.grants.refresh_token).toBe(before.grants.refresh_token + 1);
      const entries = await auditEntries('installation.refresh', firstId);
      expect(entries[0]).toMatchObject({
        actorType: 'admin',
        actorId: 'admin',
        action: 'installation.refresh',
        installationId: firstId,
        companyId: previous.companyId,
        outcome: 'success',
        errorCode: null,
      });
    });

    it('audits a failed refresh as 503', async () => {
      await control(stack, 'faults', {
        status: 503,
        times: 3,
        path: '/oauth/token',
      });

      const response = await call(
        'POST',
        `/admin/installations/${secondId}/refresh`,
      );
      const detail = await call('GET', `/admin/installations/${secondId}`);

      expect(response.status).toBe(503);
      expect(response.body.code).toBe('refresh_failed');
      expect(detail.body.lastRefreshOutcome).toBe('failed');
      expect(detail.body.consecutiveRefreshFailures).toBe(1);
      const entries = await auditEntries('installation.refresh', secondId);
      expect(entries[0]).toMatchObject({
        actorType: 'admin',
        outcome: 'failure',
        errorCode: 'refresh_failed',
      });
    });

    it('revokes at Pipedrive and audits it', async () => {
      await collectTokens();
      const response = await call(
        'POST',
        `/admin/installations/${secondId}/revoke`,
      );
      const row = await stack.db.query(
        'SELECT access_token_ciphertext, refresh_token_ciphertext, status FROM installations WHERE id = $1',
        [secondId],
      );

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        id: secondId,
        status: 'revoked',
        revokedAtPipedrive: true,
        revocationPending: false,
      });
      expect(row.rows[0]).toEqual({
        access_token_ciphertext: null,
        refresh_token_ciphertext: null,
        status: 'revoked',
      });
      const entries = await auditEntries('installation.revoke', secondId);
      expect(entries[0]).toMatchObject({
        actorType: 'admin',
        outcome: 'success',
        detail: { revokedAtPipedrive: true },
      });
    });

    it('marks revocation pending when Pipedrive fails', async () => {
      const pendingId = await install(0, 1);
      await control(stack, 'faults', {
        status: 503,
        times: 1,
        path: '/oauth/revoke',
      });

      const response = await call(
        'POST',
        `/admin/installations/${pendingId}/revoke`,
      );

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        id: pendingId,
        status: 'revoked',
        revokedAtPipedrive: false,
        revocationPending: true,
      });
      const entries = await auditEntries('installation.revoke', pendingId);
      expect(entries[0]).toMatchObject({
        outcome: 'success',
        detail: { revokedAtPipedrive: false },
      });
    });

    it('answers 409 when refreshing a revoked installation', async () => {
      const response = await call(
        'POST',
        `/admin/installations/${secondId}/refresh`,
      );

      expect(response.status).toBe(409);
      expect(response.body.code).toBe('installation_not_active');
    });

    it('answers 409 when the grant is rejected', async () => {
      const reauthId = await install(0, 2);
      const row = await stack.db.query(
        'SELECT token_key_id, refresh_token_ciphertext FROM installations WHERE id = $1',
        [reauthId],
      );
      const refreshToken = new TokenCipher(
        parseEncryptionKeys(stack.env.TOKEN_ENCRYPTION_KEYS, []),
      ).decrypt(
        {
          keyId: row.rows[0].token_key_id,
          ciphertext: row.rows[0].refresh_token_ciphertext,
        },
        `${reauthId}:refresh`,
      );
      // Revoking the refresh token at the sandbox makes Pipedrive return
      // invalid_grant to the next refresh.
      const revoked = await fetch(`${stack.sandbox.oauthUrl}/oauth/revoke`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${stack.env.PIPEDRIVE_CLIENT_ID}:${stack.env.PIPEDRIVE_CLIENT_SECRET}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: refreshToken }),
      });
      expect(revoked.status).toBe(200);

      const rejected = await call(
        'POST',
        `/admin/installations/${reauthId}/refresh`,
      );
      const again = await call(
        'POST',
        `/admin/installations/${reauthId}/refresh`,
      );
      const detail = await call('GET', `/admin/installations/${reauthId}`);

      for (const response of [rejected, again]) {
        expect(response.status).toBe(409);
        expect(response.body.code).toBe('reauthorization_required');
        expect(response.body.error).toContain('install the app again');
      }
      expect(detail.body.status).toBe('reauthorization_required');
      const entries = await auditEntries('installation.refresh', reauthId);
      expect(entries.map((entry) => entry.outcome)).toEqual([
        'failure',
        'failure',
      ]);
      expect(entries.map((entry) => entry.errorCode)).toEqual([
        'reauthorization_required',
        'reauthorization_required',
      ]);
    });

    it('erases an installation and audits it', async () => {
      const response = await call('DELETE', `/admin/installations/${firstId}`);
      const after = await call('GET', `/admin/installations/${firstId}`);
      const again = await call('DELETE', `/admin/installations/${firstId}`);

      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect(after.status).toBe(404);
      expect(again.status).toBe(404);
      const entries = await auditEntries('installation.erase', firstId);
      expect(entries.map((entry) => entry.outcome)).toEqual([
        'failure',
        'success',
      ]);
      expect(entries[0].errorCode).toBe('installation_not_found');
    });
  });

  describe('pagination', () => {
    it('walks every installation exactly once', async () => {
      await stack.db.query('DELETE FROM installations');
      const sharedTime = '2026-03-01T10:00:00.123456Z';
      const inserted: string[] = [];
      for (let index = 0; index < 23; index++) {
        const id = randomUUID();
        inserted.push(id);
        // Every third row shares one microsecond timestamp, so ties are ordered by id.
        await stack.db.query(
          `INSERT INTO installations (id, company_id, user_id, status, api_domain, installed_at)
           VALUES ($1, $2, $3, $4, 'http://127.0.0.1:1', $5)`,
          [
            id,
            9_000 + (index % 4),
            index + 1,
            index % 5 === 0 ? 'uninstalled' : 'active',
            index % 3 === 0
              ? sharedTime
              : new Date(
                  Date.UTC(2026, 0, 1) + index * 1_234_567,
                ).toISOString(),
          ],
        );
      }

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor
          ? `&cursor=${encodeURIComponent(cursor)}`
          : '';
        const response = await call(
          'GET',
          `/admin/installations?limit=5${query}`,
        );
        expect(response.status).toBe(200);
        expect(response.body.data.length).toBeLessThanOrEqual(5);
        seen.push(...response.body.data.map((item: { id: string }) => item.id));
        cursor = response.body.nextCursor;
        pages++;
      } while (cursor && pages < 20);

      expect(pages).toBe(5);
      expect(seen).toHaveLength(23);
      expect(new Set(seen).size).toBe(23);
      expect([...seen].sort()).toEqual([...inserted].sort());
      const ordered = await stack.db.query(
        'SELECT id FROM installations ORDER BY installed_at DESC, id DESC',
      );
      expect(seen).toEqual(ordered.rows.map((row: { id: string }) => row.id));
    });

    it('keeps filters across pages', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor
          ? `&cursor=${encodeURIComponent(cursor)}`
          : '';
        const response = await call(
          'GET',
          `/admin/installations?limit=2&status=active&companyId=9001${query}`,
        );
        expect(response.status).toBe(200);
        for (const item of response.body.data) {
          expect(item.status).toBe('active');
          expect(item.companyId).toBe(9001);
        }
        seen.push(...response.body.data.map((item: { id: string }) => item.id));
        cursor = response.body.nextCursor;
      } while (cursor);
      const expected = await stack.db.query(
        "SELECT id FROM installations WHERE status = 'active' AND company_id = 9001",
      );

      expect(seen.sort()).toEqual(
        expected.rows.map((row: { id: string }) => row.id).sort(),
      );
    });
  });

  describe('API keys', () => {
    it('creates a key shown once that works on tenant routes', async () => {
      const companyId = stack.sandbox.companies()[2].id;
      await install(2);
      const created = await call('POST', '/admin/api-keys', {
        body: { name: '  reporting  ', companyIds: [companyId, companyId] },
      });

      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'reporting',
        companyIds: [companyId],
        revokedAt: null,
        lastUsedAt: null,
      });
      expect(created.body.key).toMatch(/^pgw_[A-Za-z0-9_-]{43}$/);
      expect(created.body.key.startsWith(created.body.keyPrefix)).toBe(true);
      const leads = await fetch(
        `${stack.url}/companies/${companyId}/api/v1/leads?limit=1`,
        {
          headers: { authorization: `Bearer ${created.body.key}` },
        },
      );
      expect(leads.status).toBe(200);
      const other = await fetch(
        `${stack.url}/companies/${stack.sandbox.companies()[0].id}/api/v1/leads?limit=1`,
        { headers: { authorization: `Bearer ${created.body.key}` } },
      );
      expect(other.status).toBe(403);

      const list = await call('GET', '/admin/api-keys?limit=200');
      const listed = list.body.data.find(
        (item: { id: string }) => item.id === created.body.id,
      );
      expect(listed).toBeDefined();
      expect(listed.key).toBeUndefined();
      expect(list.text).not.toContain(created.body.key);
      expect(list.text).not.toMatch(/hash/i);
      const entries = await auditEntries('api_key.create');
      expect(entries[0]).toMatchObject({
        actorType: 'admin',
        targetId: created.body.id,
        outcome: 'success',
        detail: { name: 'reporting', companyIds: [companyId] },
      });
      expect(JSON.stringify(entries)).not.toContain(created.body.key);
    });

    it('creates an all-company key from null', async () => {
      const created = await call('POST', '/admin/api-keys', {
        body: { name: 'all companies', companyIds: null },
      });

      expect(created.status).toBe(201);
      expect(created.body.companyIds).toBeNull();
    });

    it.each([
      ['missing name', {}, 'name'],
      ['empty name', { name: '' }, 'name'],
      ['blank name', { name: '   ' }, 'name'],
      ['101-character name', { name: 'x'.repeat(101) }, 'name'],
      ['numeric name', { name: 42 }, 'name'],
      ['name with NUL', { name: 'bad\u0000name' }, 'name'],
      ['name with tab', { name: 'bad\tname' }, 'name'],
      ['name with DEL', { name: 'bad\u007fname' }, 'name'],
      ['name with lone high surrogate', { name: 'bad\ud83d' }, 'name'],
      ['name with lone low surrogate', { name: '\ude80bad' }, 'name'],
      ['name with RLO', { name: 'invoice\u202etxt.exe' }, 'name'],
      ['name with LRI', { name: 'a\u2066b' }, 'name'],
      ['empty companyIds', { name: 'ok', companyIds: [] }, 'companyIds'],
      ['string companyIds', { name: 'ok', companyIds: 'all' }, 'companyIds'],
      ['zero company id', { name: 'ok', companyIds: [0] }, 'companyIds'],
      [
        'fractional company id',
        { name: 'ok', companyIds: [1.5] },
        'companyIds',
      ],
      [
        'company id as string',
        { name: 'ok', companyIds: ['12'] },
        'companyIds',
      ],
      [
        '1001 company ids',
        {
          name: 'ok',
          companyIds: Array.from({ length: 1001 }, (_, i) => i + 1),
        },
        'companyIds',
      ],
    ])('rejects %s', async (_case, body, field) => {
      const response = await call('POST', '/admin/api-keys', { body });

      expect(response.status).toBe(400);
      expect(response.body.code).toBe('validation_failed');
      expect(
        response.body.fields.map((problem: { field: string }) => problem.field),
      ).toContain(field);
    });

    it('stores and audits a non-ASCII name', async () => {
      const name = 'Zürich reports \u{1F4CA} עברית';
      const created = await call('POST', '/admin/api-keys', {
        body: { name },
      });

      expect(created.status).toBe(201);
      expect(created.body.name).toBe(name);
      const entries = await auditEntries('api_key.create');
      expect(entries[0]).toMatchObject({
        targetId: created.body.id,
        outcome: 'success',
        detail: { name },
      });
    });

    it('names the character it rejects', async () => {
      const before = await stack.db.query(
        'SELECT count(*) AS count FROM api_keys',
      );
      const response = await call('POST', '/admin/api-keys', {
        body: { name: 'bad\u0000name' },
      });
      const after = await stack.db.query(
        'SELECT count(*) AS count FROM api_keys',
      );

      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual([
        {
          field: 'name',
          rule: 'isCleanText',
          message:
            'name must not contain a control character, but has U+0000 at index 3',
        },
      ]);
      expect(after.rows[0].count).toBe(before.rows[0].count);
    });

    it('revokes a key, which then stops working', async () => {
      const created = await call('POST', '/admin/api-keys', {
        body: { name: 'short-lived' },
      });
      const companyId = stack.sandbox.companies()[2].id;

      const response = await call(
        'DELETE',
        `/admin/api-keys/${created.body.id}`,
      );
      const use = await fetch(
        `${stack.url}/companies/${companyId}/api/v1/leads?limit=1`,
        {
          headers: { authorization: `Bearer ${created.body.key}` },
        },
      );
      const list = await call('GET', '/admin/api-keys?limit=200');

      expect(response.status).toBe(204);
      expect(use.status).toBe(401);
      const listed = list.body.data.find(
        (item: { id: string }) => item.id === created.body.id,
      );
      expect(listed.revokedAt).not.toBeNull();
      const entries = await auditEntries('api_key.revoke');
      expect(entries[0]).toMatchObject({
        targetId: created.body.id,
        outcome: 'success',
        detail: { name: 'short-lived', alreadyRevoked: false },
      });
    });

    it('rejects unknown and malformed key ids', async () => {
      const unknown = await call('DELETE', `/admin/api-keys/${randomUUID()}`);
      const bad = await call('DELETE', '/admin/api-keys/42');

      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('not_found');
      expect(bad.status).toBe(400);
      expect(bad.body.fields[0].field).toBe('id');
      const entries = await auditEntries('api_key.revoke');
      expect(entries[0]).toMatchObject({
        outcome: 'failure',
        errorCode: 'not_found',
      });
    });

    it('pages through keys exactly once', async () => {
      for (let index = 0; index < 6; index++) {
        await call('POST', '/admin/api-keys', {
          body: { name: `paged ${index}` },
        });
      }
      const total = Number(
        (await stack.db.query('SELECT count(*) AS count FROM api_keys')).rows[0]
          .count,
      );
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor
          ? `&cursor=${encodeURIComponent(cursor)}`
          : '';
        const response = await call('GET', `/admin/api-keys?limit=3${query}`);
        expect(response.status).toBe(200);
        seen.push(...response.body.data.map((item: { id: string }) => item.id));
        cursor = response.body.nextCursor;
      } while (cursor);

      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
    });
  });

  describe('audit log', () => {
    it('pages newest first without repeats', async () => {
      const total = Number(
        (await stack.db.query('SELECT count(*) AS count FROM audit_log'))
          .rows[0].count,
      );
      expect(total).toBeGreaterThan(10);
      const ids: number[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor
          ? `&cursor=${encodeURIComponent(cursor)}`
          : '';
        const response = await call('GET', `/admin/audit-log?limit=4${query}`);
        expect(response.status).toBe(200);
        ids.push(...response.body.data.map((item: { id: number }) => item.id));
        cursor = response.body.nextCursor;
      } while (cursor);

      expect(ids).toHaveLength(total);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
    });

    it('records who did each action', async () => {
      const response = await call('GET', '/admin/audit-log?limit=200');
      const actions = new Set(
        response.body.data.map((entry: { action: string }) => entry.action),
      );

      expect(actions).toEqual(
        new Set([
          'installation.refresh',
          'installation.revoke',
          'installation.erase',
          'api_key.create',
          'api_key.revoke',
        ]),
      );
      for (const entry of response.body.data) {
        expect(entry.actorType).toBe('admin');
        expect(['success', 'failure']).toContain(entry.outcome);
        expect(Date.parse(entry.occurredAt)).not.toBeNaN();
      }
    });
  });

  describe('OpenAPI document', () => {
    it('lists the admin routes with bearer security', async () => {
      const response = await fetch(`${stack.url}/docs-json`);
      const document = await readJson(response);

      expect(response.status).toBe(200);
      expect(document.components.securitySchemes.bearer).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
      const expected: Array<[string, string]> = [
        ['/admin/installations', 'get'],
        ['/admin/installations/{id}', 'get'],
        ['/admin/installations/{id}', 'delete'],
        ['/admin/installations/{id}/refresh', 'post'],
        ['/admin/installations/{id}/revoke', 'post'],
        ['/admin/api-keys', 'post'],
        ['/admin/api-keys', 'get'],
        ['/admin/api-keys/{id}', 'delete'],
        ['/admin/audit-log', 'get'],
      ];
      for (const [path, method] of expected) {
        const operation = document.paths[path]?.[method];
        expect({ path, method, found: Boolean(operation) }).toEqual({
          path,
          method,
          found: true,
        });
        expect(operation.security).toEqual([{ bearer: [] }]);
        expect(operation.tags).toContain('admin');
      }
      expect(document.paths['/admin']).toBeUndefined();
      const listSchema =
        document.paths['/admin/installations'].get.responses['200'].content[
          'application/json'
        ].schema;
      expect(listSchema.properties.data.items.$ref).toBe(
        '#/components/schemas/InstallationView',
      );
      expect(listSchema.properties.nextCursor.nullable).toBe(true);
      const installationFields = Object.keys(
        document.components.schemas.InstallationView.properties,
      );
      expect(installationFields).toContain('lastRefreshOutcome');
      expect(
        installationFields.filter((name) =>
          /token(?!ExpiresAt)|cipher/i.test(name),
        ),
      ).toEqual([]);
      expect(
        document.components.schemas.CreatedApiKeyView.properties.key,
      ).toBeDefined();
      expect(
        document.components.schemas.ApiKeyView.properties.key,
      ).toBeUndefined();
    });

    it('serves Swagger UI at /docs', async () => {
      const response = await fetch(`${stack.url}/docs`);

      expect(response.status).toBe(200);
      expect(await response.text()).toContain('swagger-ui');
    });
  });

  describe('console files', () => {
    it('serves the page and its script with a strict CSP', async () => {
      for (const [path, type] of [
        ['/admin', 'text/html'],
        ['/admin/console.js', 'text/javascript'],
        ['/admin/console.css', 'text/css'],
      ]) {
        const response = await fetch(`${stack.url}${path}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toContain(type);
        const policy = response.headers.get('content-security-policy') ?? '';
        expect(policy).toContain("script-src 'self'");
        expect(policy).toContain("default-src 'none'");
        expect(policy).not.toContain('unsafe-inline');
      }
    });

    it('keeps the page free of inline scripts and external hosts', async () => {
      const page = await (await fetch(`${stack.url}/admin`)).text();

      expect(page).not.toMatch(/<script>[^<]/);
      expect(page).not.toMatch(/\son[a-z]+=/i);
      expect(page).not.toMatch(/https?:\/\//);
    });
  });

  it('never returns an issued token', () => {
    expect(issuedTokens.size).toBeGreaterThanOrEqual(6);
    expect(responseTexts.length).toBeGreaterThan(50);
    for (const token of issuedTokens) {
      for (const text of responseTexts) {
        expect(text.includes(token)).toBe(false);
      }
    }
  });
});
