import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { type INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { type GatewayConfig } from '../../src/config/gateway-config';
import { loadConfig } from '../../src/config/load-config';
import { createGatewayApp } from '../../src/create-app';
import { findFreePort } from '../../src/database/embedded-database';
import {
  type SandboxHandle,
  type SandboxOptions,
  startSandbox,
} from '../../src/sandbox/sandbox';
import { createTestDatabase } from './database';

export const TEST_CLIENT_ID = 'test-client-id';
export const TEST_CLIENT_SECRET = 'test-client-secret-0123456789abcdef';

/** A gateway on a fresh database, talking to its own sandbox over HTTP. */
export interface TestStack {
  url: string;
  adminKey: string;
  config: GatewayConfig;
  app: INestApplication;
  sandbox: SandboxHandle;
  /** Raw access to the gateway's database, for assertions. */
  db: Client;
  databaseUrl: string;
  /** Every log line the gateway and its sandbox wrote, as JSON text. */
  logs: string[];
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface StackOptions {
  sandbox?: Partial<SandboxOptions>;
  env?: Record<string, string>;
  /** Reuse a database (for several gateways on one database). */
  databaseUrl?: string;
  /** Reuse a running sandbox. */
  sandboxHandle?: SandboxHandle;
}

/** Environment of a gateway pointed at a sandbox, outside sandbox mode. */
export function gatewayEnvironment(
  port: number,
  databaseUrl: string,
  oauthUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: databaseUrl,
    PIPEDRIVE_CLIENT_ID: TEST_CLIENT_ID,
    PIPEDRIVE_CLIENT_SECRET: TEST_CLIENT_SECRET,
    PIPEDRIVE_OAUTH_URL: oauthUrl,
    PIPEDRIVE_API_DOMAIN_ALLOWLIST: 'http://127.0.0.1:*',
    TOKEN_ENCRYPTION_KEYS: `test1:${randomBytes(32).toString('base64')}`,
    ADMIN_API_KEY: `admin-${randomBytes(18).toString('hex')}`,
    LOG_LEVEL: 'debug',
    ...extra,
  };
}

export async function startStack(
  options: StackOptions = {},
): Promise<TestStack> {
  const port = await findFreePort();
  const logs: string[] = [];
  const sandboxLog = (level: string) => (fields: object, message?: string) => {
    logs.push(
      JSON.stringify({ source: 'sandbox', level, ...fields, msg: message }),
    );
  };
  const database = options.databaseUrl ? null : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? database!.url;
  const sandbox =
    options.sandboxHandle ??
    (await startSandbox({
      port: 0,
      app: {
        clientId: TEST_CLIENT_ID,
        clientSecret: TEST_CLIENT_SECRET,
        redirectUri: `http://127.0.0.1:${port}/oauth/callback`,
      },
      webhookRetryDelaysMs: [50, 100, 200],
      logger: {
        info: sandboxLog('info'),
        warn: sandboxLog('warn'),
        error: sandboxLog('error'),
      },
      ...options.sandbox,
    }));
  const env = gatewayEnvironment(
    port,
    databaseUrl,
    sandbox.oauthUrl,
    options.env,
  );
  const { config } = loadConfig(env);
  const app = await createGatewayApp(config, {
    logStream: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        callback();
      },
    }),
  });
  await app.listen(port, '127.0.0.1');
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();

  return {
    url: `http://127.0.0.1:${port}`,
    adminKey: config.adminApiKey,
    config,
    app,
    sandbox,
    db,
    databaseUrl,
    logs,
    env,
    close: async () => {
      await db.end();
      await app.close();
      if (!options.sandboxHandle) {
        await sandbox.close();
      }
      await database?.drop();
    },
  };
}
