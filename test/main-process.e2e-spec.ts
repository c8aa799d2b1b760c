import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../src/database/embedded-database';
import {
  type GatewayProcess,
  startGatewayProcess,
} from './support/gateway-process';
import { beginInstall, readJson, submitConsent } from './support/install';

/**
 * `node dist/src/main.js` with no configuration, as `npm start` runs it:
 * embedded PostgreSQL and the in-process sandbox, in a temporary DATA_DIR.
 */
describe('gateway process in sandbox mode', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let sandboxUrl: string;
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gateway-main-'));
    const sandboxPort = await findFreePort();
    env = {
      DATA_DIR: dataDir,
      PORT: String(await findFreePort()),
      PIPEDRIVE_SANDBOX_PORT: String(sandboxPort),
      LOG_LEVEL: 'info',
    };
    sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  });

  afterAll(async () => {
    await gateway?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function adminKey(): Promise<string> {
    const secrets = JSON.parse(
      await readFile(join(dataDir, 'sandbox-secrets.json'), 'utf8'),
    ) as { adminApiKey: string };

    return secrets.adminApiKey;
  }

  it('drains requests on SIGTERM and restarts', async () => {
    gateway = await startGatewayProcess(env);
    const url = gateway.url;
    expect(gateway.output.join('')).toContain('Admin API key (shown once');
    const { consentUrl, cookie } = await beginInstall({ url });
    expect(consentUrl.startsWith(sandboxUrl)).toBe(true);
    const callback = await fetch(await submitConsent(consentUrl), {
      headers: { cookie },
    });
    expect(callback.status).toBe(200);
    const page = await callback.text();
    const companyId = /\/companies\/(\d+)\/api\/v1\//.exec(page)?.[1];
    const key = await adminKey();
    const leadsUrl = `${url}/companies/${companyId}/api/v1/leads?limit=3`;
    const headers = { authorization: `Bearer ${key}` };
    await fetch(`${sandboxUrl}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 200, times: 1, latencyMs: 1500 }),
    });

    const slow = fetch(leadsUrl, { headers });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = new Promise<number | null>((resolve) =>
      gateway!.child.once('exit', (code) => resolve(code)),
    );
    gateway.child.kill('SIGTERM');
    const response = await slow;

    expect(response.status).toBe(200);
    expect((await readJson(response)).data).toHaveLength(3);
    expect(await exited).toBe(0);
    expect(gateway.output.join('')).toContain('"msg":"stopped"');

    gateway = await startGatewayProcess(env);
    const afterRestart = await fetch(leadsUrl, { headers });

    expect(afterRestart.status).toBe(200);
    expect(gateway.output.join('')).not.toContain('Admin API key (shown once');
  });
});
