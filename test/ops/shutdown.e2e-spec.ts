import { request as httpRequest } from 'node:http';
import { Client } from 'pg';
import { control, installThroughConsent } from '../support/install';
import { startStack, type TestStack } from '../support/stack';

/** GET on a connection of its own, so no pooled keep-alive socket is reused. */
function getOnNewConnection(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { agent: false, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('graceful shutdown', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack();
  });

  // The test closes the application itself, so this releases the rest of
  // the stack without closing it a second time.
  afterAll(async () => {
    await stack.db.end();
    await stack.sandbox.close();
    const admin = new Client({
      connectionString: process.env.TEST_DATABASE_URL,
    });
    await admin.connect();
    const name = new URL(stack.databaseUrl).pathname.slice(1);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('finishes in-flight requests and refuses new ones', async () => {
    const { companyId } = await installThroughConsent(stack);
    await control(stack, 'faults', { status: 200, times: 1, latencyMs: 1500 });

    const started = Date.now();
    const inFlight = getOnNewConnection(
      `${stack.url}/companies/${companyId}/api/v1/leads?limit=3`,
      {
        authorization: `Bearer ${stack.adminKey}`,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closing = stack.app.close();
    await new Promise((resolve) => setTimeout(resolve, 100));

    await expect(
      getOnNewConnection(`${stack.url}/health/live`),
    ).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });

    const response = await inFlight;
    await closing;

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).data).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });
});
