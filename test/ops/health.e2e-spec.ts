import { Client } from 'pg';
import { startStack, type TestStack } from '../support/stack';

async function probe(
  stack: TestStack,
  path: string,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.url}${path}`);

  return { status: response.status, body: await response.json() };
}

/** Polls until the probe returns `status` or the deadline passes. */
async function waitForStatus(
  stack: TestStack,
  path: string,
  status: number,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  let last = await probe(stack, path);
  while (last.status !== status && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await probe(stack, path);
  }

  return last;
}

describe('health probes', () => {
  let stack: TestStack;
  /** A connection to the server's maintenance database, which stays up. */
  let admin: Client;
  let databaseName: string;

  beforeAll(async () => {
    stack = await startStack();
    databaseName = new URL(stack.databaseUrl).pathname.slice(1);
    admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.query(
      `ALTER DATABASE ${databaseName} WITH ALLOW_CONNECTIONS true`,
    );
    await admin.end();
    await stack.close();
  });

  it('live answers 200 without credentials', async () => {
    const live = await probe(stack, '/health/live');

    expect(live.status).toBe(200);
    expect(live.body.status).toBe('ok');
  });

  it('ready answers 200 with the database up', async () => {
    const ready = await probe(stack, '/health/ready');

    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body.info.database.status).toBe('up');
  });

  it('ready fails while the database is unreachable and recovers', async () => {
    // Refuse new connections to the gateway's database and cut the open
    // ones, as a database restart or network partition would. The test's
    // own connection is cut too, and that is expected.
    stack.db.on('error', () => undefined);
    await admin.query(
      `ALTER DATABASE ${databaseName} WITH ALLOW_CONNECTIONS false`,
    );
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [databaseName],
    );

    const down = await waitForStatus(stack, '/health/ready', 503, 10_000);

    expect(down.status).toBe(503);
    expect(down.body.status).toBe('error');
    expect(down.body.error.database.status).toBe('down');

    const live = await probe(stack, '/health/live');

    expect(live.status).toBe(200);

    await admin.query(
      `ALTER DATABASE ${databaseName} WITH ALLOW_CONNECTIONS true`,
    );
    const up = await waitForStatus(stack, '/health/ready', 200, 10_000);

    expect(up.status).toBe(200);
    expect(up.body.info.database.status).toBe('up');
  });
});
