import {
  createServer,
  type IncomingHttpHeaders,
  request as httpRequest,
} from 'node:http';
import { type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { type GatewayConfig } from '../../src/config/gateway-config';
import { loadConfig, parseEncryptionKeys } from '../../src/config/load-config';
import { createGatewayApp } from '../../src/create-app';
import { TokenCipher } from '../../src/crypto/token-cipher';
import { InstallationCache } from '../../src/installations/installation-cache';
import { findFreePort } from '../../src/database/embedded-database';
import { startSandbox } from '../../src/sandbox/sandbox';
import { createTestDatabase } from '../support/database';
import {
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  gatewayEnvironment,
  type TestStack,
} from '../support/stack';

/**
 * Starts a gateway like startStack, but lets the test change the resolved
 * configuration (timeouts, maximum rate-limit wait, body limit), which has
 * no environment variables.
 */
export async function startConfiguredStack(
  configure: (config: GatewayConfig) => void,
): Promise<TestStack> {
  const port = await findFreePort();
  const database = await createTestDatabase();
  const sandbox = await startSandbox({
    port: 0,
    app: {
      clientId: TEST_CLIENT_ID,
      clientSecret: TEST_CLIENT_SECRET,
      redirectUri: `http://127.0.0.1:${port}/oauth/callback`,
    },
  });
  const env = gatewayEnvironment(port, database.url, sandbox.oauthUrl, {
    LOG_LEVEL: 'warn',
  });
  const { config } = loadConfig(env);
  configure(config);
  const logs: string[] = [];
  const app = await createGatewayApp(config, {
    logStream: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        callback();
      },
    }),
  });
  await app.listen(port, '127.0.0.1');
  const db = new Client({ connectionString: database.url });
  await db.connect();

  return {
    url: `http://127.0.0.1:${port}`,
    adminKey: config.adminApiKey,
    config,
    app,
    sandbox,
    db,
    databaseUrl: database.url,
    logs,
    env,
    close: async () => {
      await db.end();
      await app.close();
      await sandbox.close();
      await database.drop();
    },
  };
}

/** Decrypts the access token stored for a company, to call the sandbox directly. */
export async function readAccessToken(
  stack: TestStack,
  companyId: number,
): Promise<string> {
  const row = await stack.db.query<{
    id: string;
    token_key_id: string;
    access_token_ciphertext: string;
  }>(
    'SELECT id, token_key_id, access_token_ciphertext FROM installations WHERE company_id = $1',
    [companyId],
  );
  const cipher = new TokenCipher(
    parseEncryptionKeys(stack.env.TOKEN_ENCRYPTION_KEYS, []),
  );

  return cipher.decrypt(
    {
      keyId: row.rows[0].token_key_id,
      ciphertext: row.rows[0].access_token_ciphertext,
    },
    `${row.rows[0].id}:access`,
  );
}

/**
 * Points a company's installation at another api_domain, as if Pipedrive
 * had returned it, and drops the cached copy.
 */
export async function moveApiDomain(
  stack: TestStack,
  companyId: number,
  apiDomain: string,
): Promise<void> {
  const result = await stack.db.query<{ id: string; revision: number }>(
    'UPDATE installations SET api_domain = $1, revision = revision + 1 WHERE company_id = $2 RETURNING id, revision',
    [apiDomain, companyId],
  );
  const { id, revision } = result.rows[0];
  stack.app.get(InstallationCache).invalidate(companyId, id, revision);
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * An HTTP server on 127.0.0.1 that records each request's exact bytes and
 * returns a fixed response, standing in for Pipedrive where the
 * sandbox cannot show what it received.
 */
export async function startRecordingServer(reply: {
  status: number;
  headers?: Record<string, string>;
  body: string;
}): Promise<{
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      response.writeHead(reply.status, {
        'content-type': 'application/json',
        ...reply.headers,
      });
      response.end(reply.body);
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a request with the path exactly as given, without URL normalization. */
export function rawRequest(
  stack: TestStack,
  method: string,
  path: string,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(stack.url);

  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: hostname,
        port,
        method,
        path,
        headers: { authorization: `Bearer ${stack.adminKey}` },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}
