import { findFreePort } from '../src/database/embedded-database';
import { type SandboxHandle, startSandbox } from '../src/sandbox/sandbox';
import { createTestDatabase } from './support/database';
import {
  type GatewayProcess,
  startGatewayProcess,
} from './support/gateway-process';
import { control, installThroughConsent } from './support/install';
import {
  gatewayEnvironment,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
} from './support/stack';

interface SandboxStats {
  grants: { authorization_code: number; refresh_token: number };
}

const PROCESSES = 3;
const REQUESTS = 300;

describe('refresh storm across processes', () => {
  let sandbox: SandboxHandle;
  let database: { url: string; drop(): Promise<void> };
  const gateways: GatewayProcess[] = [];
  let adminKey = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    const ports = await Promise.all(
      Array.from({ length: PROCESSES }, () => findFreePort()),
    );
    const redirectUri = `http://127.0.0.1:${ports[0]}/oauth/callback`;
    sandbox = await startSandbox({
      port: 0,
      app: {
        clientId: TEST_CLIENT_ID,
        clientSecret: TEST_CLIENT_SECRET,
        redirectUri,
      },
    });
    const shared = gatewayEnvironment(
      ports[0],
      database.url,
      sandbox.oauthUrl,
      {
        PIPEDRIVE_REDIRECT_URI: redirectUri,
        LOG_LEVEL: 'warn',
      },
    );
    adminKey = shared.ADMIN_API_KEY;
    // One after the other: the first applies the migrations.
    for (const port of ports) {
      gateways.push(
        await startGatewayProcess({
          ...shared,
          PORT: String(port),
          PUBLIC_URL: `http://127.0.0.1:${port}`,
        }),
      );
    }
    await control({ sandbox }, 'rate-limit', {
      burst: 100_000,
      windowSeconds: 2,
    });
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await sandbox?.close();
    await database?.drop();
  });

  it('makes exactly one refresh grant and fails no request', async () => {
    const { companyId } = await installThroughConsent({
      url: gateways[0].url,
      sandbox,
    });
    const credential = adminKey;
    // Warm every process's cache, so each caches the token that is about to expire.
    for (const gateway of gateways) {
      const warm = await fetch(
        `${gateway.url}/companies/${companyId}/api/v1/leads?limit=1`,
        {
          headers: { authorization: `Bearer ${credential}` },
        },
      );
      expect(warm.status).toBe(200);
    }
    await control({ sandbox }, 'expire-tokens', { companyId });
    const before = await control<SandboxStats>({ sandbox }, 'stats');

    const statuses = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, index) => {
        const gateway = gateways[index % PROCESSES];
        const response = await fetch(
          `${gateway.url}/companies/${companyId}/api/v1/leads?limit=1`,
          {
            headers: { authorization: `Bearer ${credential}` },
          },
        );
        await response.arrayBuffer();

        return response.status;
      }),
    );

    const after = await control<SandboxStats>({ sandbox }, 'stats');
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(after.grants.refresh_token - before.grants.refresh_token).toBe(1);
  });
});
