import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { GatewayMetrics } from '../src/metrics/gateway-metrics';
import { InstallationCache } from '../src/installations/installation-cache';
import { InstallationsService } from '../src/installations/installations.service';
import { TokenMaintenanceService } from '../src/installations/token-maintenance.service';
import {
  control,
  getAs,
  installThroughConsent,
  readJson,
} from './support/install';
import {
  startStack,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  type TestStack,
} from './support/stack';

interface SandboxStats {
  grants: { authorization_code: number; refresh_token: number };
  revocations: number;
  apiRequests: number;
}

interface StoredRow {
  id: string;
  status: string;
  api_domain: string;
  token_key_id: string | null;
  access_token_ciphertext: string | null;
  refresh_token_ciphertext: string | null;
  last_refresh_outcome: string | null;
  consecutive_refresh_failures: number;
  revocation_pending: boolean;
}

async function row(
  stack: TestStack,
  companyId: number,
  userId?: number,
): Promise<StoredRow> {
  const result = await stack.db.query<StoredRow>(
    `SELECT * FROM installations WHERE company_id = $1 ${userId ? 'AND user_id = $2' : ''} ORDER BY installed_at LIMIT 1`,
    userId ? [companyId, userId] : [companyId],
  );

  return result.rows[0];
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

describe('token lifecycle', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  beforeEach(async () => {
    await stack.db.query('DELETE FROM installations');
    stack.app.get(InstallationCache).clear();
  });

  it('refreshes once after Pipedrive rejects an expired token, and keeps serving', async () => {
    const { companyId } = await installThroughConsent(stack);
    await getAs(stack, `/companies/${companyId}/api/v1/leads?limit=1`);
    await control(stack, 'expire-tokens', { companyId });
    const before = await control<SandboxStats>(stack, 'stats');

    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        getAs(stack, `/companies/${companyId}/api/v1/leads?limit=1`),
      ),
    );

    expect(responses.map((response) => response.status)).toEqual(
      Array(20).fill(200),
    );
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.grants.refresh_token - before.grants.refresh_token).toBe(1);
    expect((await row(stack, companyId)).last_refresh_outcome).toBe(
      'refreshed',
    );
  });

  it('refreshes ahead of expiry without calling Pipedrive with an expired token', async () => {
    const { companyId } = await installThroughConsent(stack);
    await stack.db.query(
      "UPDATE installations SET access_token_expires_at = now() + interval '1 minute'",
    );
    stack.app.get(InstallationCache).clear();
    const before = await control<SandboxStats>(stack, 'stats');
    const requestsBefore = (await control<unknown[]>(stack, 'requests')).length;

    const response = await getAs(
      stack,
      `/companies/${companyId}/api/v1/leads?limit=1`,
    );

    expect(response.status).toBe(200);
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.grants.refresh_token - before.grants.refresh_token).toBe(1);
    const requests = await control<Array<{ status: number }>>(
      stack,
      'requests',
    );
    expect(
      requests.slice(requestsBefore).map((request) => request.status),
    ).toEqual([200]);
  });

  it('marks invalid_grant as reauthorization_required and stops calling Pipedrive', async () => {
    const { companyId } = await installThroughConsent(stack);
    const stored = await row(stack, companyId);
    // Forgetting every token makes the stored refresh token unknown to Pipedrive.
    await control(stack, 'reset', {});

    const first = await getAs(
      stack,
      `/companies/${companyId}/api/v1/leads?limit=1`,
    );
    expect(first.status).toBe(401);
    expect((await readJson(first)).code).toBe('reauthorization_required');
    const before = await control<SandboxStats>(stack, 'stats');

    const second = await getAs(
      stack,
      `/companies/${companyId}/api/v1/leads?limit=1`,
    );

    expect(second.status).toBe(401);
    expect((await readJson(second)).code).toBe('reauthorization_required');
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.apiRequests).toBe(before.apiRequests);
    expect(after.grants.refresh_token).toBe(before.grants.refresh_token);
    const current = await row(stack, companyId);
    expect(current.status).toBe('reauthorization_required');
    expect(current.last_refresh_outcome).toBe('invalid_grant');
    expect(current.refresh_token_ciphertext).toBe(
      stored.refresh_token_ciphertext,
    );
  });

  it('answers 503 refresh_failed on persistent 500s and keeps the refresh token', async () => {
    const { companyId } = await installThroughConsent(stack);
    const stored = await row(stack, companyId);
    await control(stack, 'expire-tokens', { companyId });
    await control(stack, 'faults', {
      status: 500,
      times: 3,
      path: '/oauth/token',
    });

    const failed = await getAs(
      stack,
      `/companies/${companyId}/api/v1/leads?limit=1`,
    );

    expect(failed.status).toBe(503);
    expect((await readJson(failed)).code).toBe('refresh_failed');
    const current = await row(stack, companyId);
    expect(current.status).toBe('active');
    expect(current.last_refresh_outcome).toBe('failed');
    expect(current.consecutive_refresh_failures).toBe(1);
    expect(current.refresh_token_ciphertext).toBe(
      stored.refresh_token_ciphertext,
    );

    const recovered = await getAs(
      stack,
      `/companies/${companyId}/api/v1/leads?limit=1`,
    );
    expect(recovered.status).toBe(200);
    expect((await row(stack, companyId)).consecutive_refresh_failures).toBe(0);
  });

  it('retries a refresh that fails once with 500', async () => {
    const { companyId } = await installThroughConsent(stack);
    await control(stack, 'expire-tokens', { companyId });
    await control(stack, 'faults', {
      status: 500,
      times: 1,
      path: '/oauth/token',
    });

    const response = await getAs(
      stack,
      `/companies/${companyId}/api/v1/leads?limit=1`,
    );

    expect(response.status).toBe(200);
  });

  it('uses an api_domain that changes on refresh', async () => {
    const { companyId } = await installThroughConsent(stack);
    const oldDomain = (await row(stack, companyId)).api_domain;
    const moved = await control<{ apiDomain: string }>(
      stack,
      'move-api-domain',
      { companyId },
    );
    expect(moved.apiDomain).not.toBe(oldDomain);
    await stack.db.query(
      'UPDATE installations SET access_token_expires_at = now()',
    );
    stack.app.get(InstallationCache).clear();

    const response = await getAs(
      stack,
      `/companies/${companyId}/api/v1/leads?limit=1`,
    );

    expect(response.status).toBe(200);
    expect((await row(stack, companyId)).api_domain).toBe(moved.apiDomain);
  });

  it('ignores uninstall notices without the right credentials', async () => {
    const { companyId, userId } = await installThroughConsent(stack);
    const notice = {
      client_id: TEST_CLIENT_ID,
      company_id: companyId,
      user_id: userId,
      timestamp: new Date().toISOString(),
    };
    for (const authorization of [
      undefined,
      basic(TEST_CLIENT_ID, 'wrong-secret'),
      basic('other-client', TEST_CLIENT_SECRET),
      'Bearer x',
    ]) {
      const response = await fetch(`${stack.url}/oauth/callback`, {
        method: 'DELETE',
        headers: {
          'content-type': 'application/json',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify(notice),
      });
      expect(response.status).toBe(401);
    }

    expect((await row(stack, companyId)).status).toBe('active');
    expect(
      (await getAs(stack, `/companies/${companyId}/api/v1/leads?limit=1`))
        .status,
    ).toBe(200);
  });

  it('checks uninstall credentials before the body', async () => {
    const anonymous = await fetch(`${stack.url}/oauth/callback`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ company_id: 'abc' }),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic');

    const authenticated = await fetch(`${stack.url}/oauth/callback`, {
      method: 'DELETE',
      headers: {
        'content-type': 'application/json',
        authorization: basic(TEST_CLIENT_ID, TEST_CLIENT_SECRET),
      },
      body: JSON.stringify({ company_id: 1, user_id: 2 }),
    });
    const body = await readJson(authenticated);

    expect(authenticated.status).toBe(400);
    expect(body.fields).toEqual([
      {
        field: 'client_id',
        rule: 'isDefined',
        message: 'client_id is missing',
      },
    ]);
  });

  it('erases only the uninstalled installation and answers repeats with 2xx', async () => {
    const [company] = stack.sandbox.companies();
    const [first, second] = company.users;
    await installThroughConsent(stack, {
      companyId: company.id,
      userId: first.id,
    });
    await installThroughConsent(stack, {
      companyId: company.id,
      userId: second.id,
    });
    const send = (userId: number) =>
      fetch(`${stack.url}/oauth/callback`, {
        method: 'DELETE',
        headers: {
          'content-type': 'application/json',
          authorization: basic(TEST_CLIENT_ID, TEST_CLIENT_SECRET),
        },
        body: JSON.stringify({
          client_id: TEST_CLIENT_ID,
          company_id: company.id,
          user_id: userId,
          timestamp: Date.now(),
        }),
      });

    expect((await send(second.id)).status).toBe(200);

    const removed = await row(stack, company.id, second.id);
    expect(removed.status).toBe('uninstalled');
    expect(removed.access_token_ciphertext).toBeNull();
    expect(removed.refresh_token_ciphertext).toBeNull();
    expect((await row(stack, company.id, first.id)).status).toBe('active');
    expect((await send(second.id)).status).toBe(200);
    expect((await send(987654)).status).toBe(200);
    const asSecond = await getAs(
      stack,
      `/companies/${company.id}/api/v1/leads?limit=1`,
      stack.adminKey,
      {
        'x-pipedrive-user-id': String(second.id),
      },
    );
    expect(asSecond.status).toBe(404);
    expect((await readJson(asSecond)).code).toBe('installation_not_found');
  });

  it('applies the sandbox’s own uninstall notice and reactivates on reinstall', async () => {
    const { companyId, userId } = await installThroughConsent(stack);
    const before = await row(stack, companyId);

    await control(stack, 'uninstall', { companyId, userId });

    expect((await row(stack, companyId)).status).toBe('uninstalled');
    const blocked = await getAs(
      stack,
      `/companies/${companyId}/api/v1/leads?limit=1`,
    );
    expect(blocked.status).toBe(404);
    expect((await readJson(blocked)).code).toBe('company_not_installed');

    await installThroughConsent(stack, { companyId, userId });

    const after = await row(stack, companyId);
    expect(after.id).toBe(before.id);
    expect(after.status).toBe('active');
    expect(after.refresh_token_ciphertext).not.toBe(
      before.refresh_token_ciphertext,
    );
    expect(
      (await getAs(stack, `/companies/${companyId}/api/v1/leads?limit=1`))
        .status,
    ).toBe(200);
  });

  it('revokes at Pipedrive, then erases the tokens', async () => {
    const { companyId } = await installThroughConsent(stack);
    const id = (await row(stack, companyId)).id;
    const before = await control<SandboxStats>(stack, 'stats');

    const result = await stack.app.get(InstallationsService).revoke(id);

    expect(result).toEqual({ revokedAtPipedrive: true });
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.revocations - before.revocations).toBe(1);
    const current = await row(stack, companyId);
    expect(current.status).toBe('revoked');
    expect(current.refresh_token_ciphertext).toBeNull();
    expect(
      (await getAs(stack, `/companies/${companyId}/api/v1/leads?limit=1`))
        .status,
    ).toBe(404);
  });

  it('blocks local use when revoking fails, and retries the revocation', async () => {
    const { companyId } = await installThroughConsent(stack);
    const id = (await row(stack, companyId)).id;
    await control(stack, 'faults', {
      status: 503,
      times: 1,
      path: '/oauth/revoke',
    });

    const result = await stack.app.get(InstallationsService).revoke(id);

    expect(result).toEqual({ revokedAtPipedrive: false });
    const pending = await row(stack, companyId);
    expect(pending.status).toBe('revoked');
    expect(pending.revocation_pending).toBe(true);
    expect(pending.refresh_token_ciphertext).not.toBeNull();
    expect(
      (await getAs(stack, `/companies/${companyId}/api/v1/leads?limit=1`))
        .status,
    ).toBe(404);
    const before = await control<SandboxStats>(stack, 'stats');

    await stack.app.get(TokenMaintenanceService).runOnce();

    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.revocations - before.revocations).toBe(1);
    const done = await row(stack, companyId);
    expect(done.revocation_pending).toBe(false);
    expect(done.refresh_token_ciphertext).toBeNull();
  });

  it('refreshes refresh tokens left unused for a month, once', async () => {
    const { companyId } = await installThroughConsent(stack);
    await stack.db.query(
      "UPDATE installations SET refresh_token_used_at = now() - interval '40 days'",
    );
    const before = await control<SandboxStats>(stack, 'stats');
    const maintenance = stack.app.get(TokenMaintenanceService);

    const results = await Promise.all([
      maintenance.refreshIdle(),
      maintenance.refreshIdle(),
    ]);

    // Sweeps that meet in one process share the same refresh, so both may report it.
    expect(results[0] + results[1]).toBeGreaterThanOrEqual(1);
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.grants.refresh_token - before.grants.refresh_token).toBe(1);
    const used = await stack.db.query<{ fresh: boolean }>(
      "SELECT refresh_token_used_at > now() - interval '1 minute' AS fresh FROM installations WHERE company_id = $1",
      [companyId],
    );
    expect(used.rows[0].fresh).toBe(true);
    expect(await maintenance.refreshIdle()).toBe(0);
  });
});

describe('invalid_client on refresh', () => {
  let good: TestStack;
  let misconfigured: TestStack;

  beforeAll(async () => {
    good = await startStack();
    misconfigured = await startStack({
      databaseUrl: good.databaseUrl,
      sandboxHandle: good.sandbox,
      env: {
        PIPEDRIVE_CLIENT_SECRET: 'a-wrong-client-secret',
        TOKEN_ENCRYPTION_KEYS: good.env.TOKEN_ENCRYPTION_KEYS,
      },
    });
  });

  afterAll(async () => {
    await misconfigured.close();
    await good.close();
  });

  it('alarms the operator and changes no installation', async () => {
    const { companyId } = await installThroughConsent(good);
    const stored = await row(good, companyId);
    await control(good, 'expire-tokens', { companyId });

    const response = await getAs(
      misconfigured,
      `/companies/${companyId}/api/v1/leads?limit=1`,
    );

    expect(response.status).toBe(503);
    expect((await readJson(response)).code).toBe('refresh_failed');
    const current = await row(good, companyId);
    expect(current.status).toBe('active');
    expect(current.last_refresh_outcome).toBe('invalid_client');
    expect(current.refresh_token_ciphertext).toBe(
      stored.refresh_token_ciphertext,
    );
    expect(
      misconfigured.logs.some((line) =>
        line.includes('pipedrive_client_credentials_rejected'),
      ),
    ).toBe(true);
    const metrics = await misconfigured.app
      .get(GatewayMetrics)
      .registry.metrics();
    expect(metrics).toContain(
      'gateway_token_refreshes_total{outcome="invalid_client"} 1',
    );

    const healthy = await getAs(
      good,
      `/companies/${companyId}/api/v1/leads?limit=1`,
    );
    expect(healthy.status).toBe(200);
  });
});

describe('key rotation', () => {
  let stack: TestStack;
  const oldKeys = `old:${randomBytes(32).toString('base64')}`;
  const newKey = `new:${randomBytes(32).toString('base64')}`;

  beforeAll(async () => {
    stack = await startStack({ env: { TOKEN_ENCRYPTION_KEYS: oldKeys } });
  });

  afterAll(async () => {
    await stack.close();
  });

  it('re-encrypts every token under the new key while the gateway serves', async () => {
    const companies = stack.sandbox.companies();
    for (const company of companies) {
      await installThroughConsent(stack, { companyId: company.id });
    }
    const rotating = await startStack({
      databaseUrl: stack.databaseUrl,
      sandboxHandle: stack.sandbox,
      env: { TOKEN_ENCRYPTION_KEYS: `${newKey},${oldKeys}` },
    });
    try {
      const script = join(
        __dirname,
        '..',
        'dist',
        'src',
        'installations',
        'rotate-keys.js',
      );
      const serving = Promise.all(
        companies.map((company) =>
          getAs(rotating, `/companies/${company.id}/api/v1/leads?limit=1`),
        ),
      );
      const run = spawnSync(process.execPath, [script], {
        env: { ...process.env, ...rotating.env },
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`${companies.length} installations`);
      expect((await serving).map((response) => response.status)).toEqual(
        companies.map(() => 200),
      );

      const keys = await stack.db.query<{ token_key_id: string }>(
        'SELECT DISTINCT token_key_id FROM installations',
      );
      expect(keys.rows).toEqual([{ token_key_id: 'new' }]);
    } finally {
      await rotating.close();
    }

    const newOnly = await startStack({
      databaseUrl: stack.databaseUrl,
      sandboxHandle: stack.sandbox,
      env: { TOKEN_ENCRYPTION_KEYS: newKey },
    });
    try {
      await control(stack, 'expire-tokens', {});
      for (const company of companies) {
        const response = await getAs(
          newOnly,
          `/companies/${company.id}/api/v1/leads?limit=1`,
        );
        expect(response.status).toBe(200);
      }
    } finally {
      await newOnly.close();
    }
  });
});
