import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { TokenCipher } from '../src/crypto/token-cipher';
import { parseEncryptionKeys } from '../src/config/load-config';

export const CLIENT_ID = 'bench-client-id';
export const CLIENT_SECRET = 'bench-client-secret-0123456789abcdef';
export const ROOT = join(__dirname, '..');

/** A gateway started from the build (`dist/src/main.js`) as a child process. */
export interface GatewayProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Resident set size of the child, from /proc, in bytes. */
  rssBytes(): Promise<number>;
  stop(): Promise<void>;
}

/** Settings shared by every gateway process of one bench run. */
export interface GatewaySettings {
  databaseUrl: string;
  oauthUrl: string;
  adminKey: string;
  encryptionKeys: string;
  logDirectory: string;
}

export function newGatewaySettings(
  databaseUrl: string,
  oauthUrl: string,
  logDirectory: string,
): GatewaySettings {
  return {
    databaseUrl,
    oauthUrl,
    adminKey: `admin-${randomBytes(18).toString('hex')}`,
    encryptionKeys: `bench1:${randomBytes(32).toString('base64')}`,
    logDirectory,
  };
}

export async function startGateway(
  settings: GatewaySettings,
  port: number,
  name: string,
  extraEnvironment: Record<string, string> = {},
): Promise<GatewayProcess> {
  const log = createWriteStream(join(settings.logDirectory, `${name}.log`));
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist', 'src', 'main.js')],
    {
      cwd: settings.logDirectory,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: settings.databaseUrl,
        PIPEDRIVE_CLIENT_ID: CLIENT_ID,
        PIPEDRIVE_CLIENT_SECRET: CLIENT_SECRET,
        PIPEDRIVE_OAUTH_URL: settings.oauthUrl,
        PIPEDRIVE_API_DOMAIN_ALLOWLIST: 'http://127.0.0.1:*',
        TOKEN_ENCRYPTION_KEYS: settings.encryptionKeys,
        ADMIN_API_KEY: settings.adminKey,
        LOG_LEVEL: 'info',
        ...extraEnvironment,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `gateway ${name} exited with ${child.exitCode}; see ${name}.log in ${settings.logDirectory}`,
      );
    }
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.status === 200) {
        break;
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gateway ${name} did not become ready within 60 s`);
    }
    await sleep(200);
  }

  return {
    url,
    port,
    child,
    rssBytes: async () => {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);

      return kilobytes * 1024;
    },
    stop: async () => {
      if (child.exitCode !== null) {
        return;
      }
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (child.exitCode === null) {
        child.kill('SIGKILL');
      }
    },
  };
}

/**
 * Inserts active installations directly, with access tokens encrypted the
 * way the gateway stores them and an expiry far away, so no refresh runs.
 */
export async function insertInstallations(
  db: Client,
  settings: GatewaySettings,
  companies: { companyId: number; apiDomain: string }[],
): Promise<void> {
  const cipher = new TokenCipher(
    parseEncryptionKeys(settings.encryptionKeys, []),
  );
  const expiresAt = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const batchSize = 1000;
  for (let offset = 0; offset < companies.length; offset += batchSize) {
    const rows = companies
      .slice(offset, offset + batchSize)
      .map(({ companyId, apiDomain }) => {
        const id = randomUUID();
        const access = cipher.encrypt(
          `bench-access-${companyId}`,
          `${id}:access`,
        );
        const refresh = cipher.encrypt(
          `bench-refresh-${companyId}`,
          `${id}:refresh`,
        );

        return [
          id,
          companyId,
          1,
          apiDomain,
          access.ciphertext,
          refresh.ciphertext,
          access.keyId,
        ];
      });
    const columns = rows[0].map((_, column) => rows.map((row) => row[column]));
    await db.query(
      `INSERT INTO installations
         (id, company_id, user_id, status, scopes, api_domain, access_token_ciphertext,
          refresh_token_ciphertext, token_key_id, revision, access_token_expires_at, user_is_admin)
       SELECT id, company_id, user_id, 'active', '{leads:read,base}', api_domain, access, refresh, key_id, 1, $8, true
       FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])
         AS rows(id, company_id, user_id, api_domain, access, refresh, key_id)`,
      [...columns, expiresAt],
    );
  }
}

/** A database of its own on the PostgreSQL server, dropped afterwards. */
export async function createBenchDatabase(
  serverUrl: string,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `gateway_bench_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;

  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
