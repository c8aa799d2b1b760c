import { mkdtemp } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startSandbox,
  type SandboxHandle,
  type SandboxOptions,
} from '../../src/sandbox/sandbox';

export const TEST_APP = {
  clientId: 'test-client-id',
  clientSecret: 'test-client-secret',
  redirectUri: 'http://127.0.0.1:9/oauth/callback',
};

export function basicAuth(
  clientId = TEST_APP.clientId,
  clientSecret = TEST_APP.clientSecret,
): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

export async function startTestSandbox(
  overrides: Partial<SandboxOptions> = {},
): Promise<SandboxHandle> {
  return startSandbox({ port: 0, app: TEST_APP, ...overrides });
}

export async function temporaryStateFile(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'sandbox-state-'));

  return join(directory, 'sandbox-state.json');
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  refresh_token: string;
  scope: string;
  expires_in: number;
  api_domain: string;
}

/** Submits the consent form as the given user and returns the code. */
export async function authorize(
  sandbox: SandboxHandle,
  companyId: number,
  userId: number,
  state = 'state-123',
): Promise<string> {
  const response = await fetch(`${sandbox.oauthUrl}/oauth/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: TEST_APP.clientId,
      redirect_uri: TEST_APP.redirectUri,
      state,
      company_id: String(companyId),
      user_id: String(userId),
      decision: 'allow',
    }),
    redirect: 'manual',
  });
  if (response.status !== 302) {
    throw new Error(
      `Consent failed with ${response.status}: ${await response.text()}`,
    );
  }
  const location = new URL(response.headers.get('location') ?? '');
  const code = location.searchParams.get('code');
  if (!code) {
    throw new Error(`Consent redirect has no code: ${location.toString()}`);
  }

  return code;
}

export async function postToken(
  sandbox: SandboxHandle,
  form: Record<string, string>,
  headers: Record<string, string> = { authorization: basicAuth() },
): Promise<Response> {
  return fetch(`${sandbox.oauthUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: new URLSearchParams(form),
  });
}

/** Installs the app for one user and returns the token response. */
export async function install(
  sandbox: SandboxHandle,
  companyId?: number,
  userId?: number,
): Promise<TokenResponse> {
  const company = companyId
    ? sandbox.companies().find((candidate) => candidate.id === companyId)
    : sandbox.companies()[0];
  if (!company) {
    throw new Error(`No company ${companyId}`);
  }
  const code = await authorize(
    sandbox,
    company.id,
    userId ?? company.users[0].id,
  );
  const response = await postToken(sandbox, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: TEST_APP.redirectUri,
  });
  if (response.status !== 200) {
    throw new Error(`Token exchange failed: ${await response.text()}`);
  }

  return (await response.json()) as TokenResponse;
}

export async function apiGet(
  origin: string,
  accessToken: string | null,
  path: string,
): Promise<Response> {
  return fetch(`${origin}${path}`, {
    headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
  });
}

export async function control(
  sandbox: SandboxHandle,
  path: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${sandbox.oauthUrl}/_sandbox/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: any;
}

/** A local HTTP server that records requests and responds with set statuses. */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private server: Server;
  private statuses: number[] = [];
  private waiters: Array<() => void> = [];

  /** Responds to the next requests with these statuses, then with 200. */
  failNext(...statuses: number[]): void {
    this.statuses.push(...statuses);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: text ? JSON.parse(text) : null,
        });
        res.statusCode = this.statuses.shift() ?? 200;
        res.end('{}');
        this.waiters.splice(0).forEach((wake) => wake());
      });
    });
    await new Promise<void>((resolve) =>
      this.server.listen(0, '127.0.0.1', resolve),
    );

    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Waits until at least `count` requests have arrived. */
  async waitFor(count: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `Receiver got ${this.requests.length} requests, expected ${count}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** Parses a JSON response body, typed loosely for assertions. */
export async function readJson(response: Response): Promise<any> {
  return response.json();
}
