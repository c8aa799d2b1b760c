import { JwtService } from '@nestjs/jwt';
import { type Express } from 'express';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { MAX_FAILURES_PER_WINDOW } from '../src/auth/failed-auth.throttle';
import { GatewayMetrics } from '../src/metrics/gateway-metrics';
import {
  control,
  getAs,
  installThroughConsent,
  readJson,
} from './support/install';
import {
  startStack,
  TEST_CLIENT_SECRET,
  type TestStack,
} from './support/stack';

interface SandboxStats {
  apiRequests: number;
}

interface SandboxRequest {
  path: string;
  companyId: number;
  userId: number;
}

/**
 * Routes anyone may call: the OAuth pages, the webhook receiver, health,
 * metrics, the console page, and (below) the OpenAPI document under /docs.
 */
const PUBLIC_ROUTES = new Set([
  'GET /oauth/authorize',
  'GET /oauth/callback',
  'DELETE /oauth/callback',
  'POST /webhooks/pipedrive/:companyId',
  'GET /health/live',
  'GET /health/ready',
  'GET /metrics',
  'GET /admin',
  'GET /admin/console.js',
  'GET /admin/console.css',
]);

const jwt = new JwtService();

function signJwt(
  claims: object,
  options: { secret?: string; expiresIn?: number; noTimestamp?: boolean } = {},
): string {
  return jwt.sign(claims, {
    secret: options.secret ?? TEST_CLIENT_SECRET,
    algorithm: 'HS256',
    ...(options.expiresIn !== undefined
      ? { expiresIn: options.expiresIn }
      : {}),
    ...(options.noTimestamp ? { noTimestamp: true } : {}),
  });
}

/** Lists "METHOD /path" of every route registered in the Express app. */
function registeredRoutes(stack: TestStack): string[] {
  const express = stack.app.getHttpAdapter().getInstance() as Express & {
    router: {
      stack: Array<{
        route?: { path: string; methods: Record<string, boolean> };
      }>;
    };
  };
  const routes: string[] = [];
  for (const layer of express.router.stack) {
    // Nest registers middleware applied to every route as a `/{*path}` route.
    if (!layer.route || layer.route.path === '/{*path}') {
      continue;
    }
    for (const method of Object.keys(layer.route.methods)) {
      const name = method === '_all' ? 'ALL' : method.toUpperCase();
      if (!['CONNECT', 'TRACE'].includes(name)) {
        routes.push(`${name} ${layer.route.path}`);
      }
    }
  }

  return routes;
}

function concretePath(pattern: string, companyId: number): string {
  return pattern
    .replace(':companyId', String(companyId))
    .replace(/:id\b/g, '00000000-0000-4000-8000-000000000000')
    .replace(/:[A-Za-z]+/g, '1')
    .replace(/\*[A-Za-z]+/g, 'deals')
    .replace(/\{[^}]*\}/g, '');
}

describe('caller authentication and tenant isolation', () => {
  let stack: TestStack;
  let companyA: number;
  let companyB: number;
  let adminUser: number;
  let secondUser: number;
  let keyForA: string;
  let revokedKey: string;

  beforeAll(async () => {
    stack = await startStack();
    const [first, second] = stack.sandbox.companies();
    companyA = first.id;
    companyB = second.id;
    adminUser = first.users[0].id;
    secondUser = first.users[1].id;
    await installThroughConsent(stack, {
      companyId: companyA,
      userId: secondUser,
    });
    await installThroughConsent(stack, {
      companyId: companyA,
      userId: adminUser,
    });
    await installThroughConsent(stack, { companyId: companyB });
    const keys = stack.app.get(ApiKeysService);
    keyForA = (await keys.create('service for A', [companyA])).key;
    const revoked = await keys.create('revoked service', null);
    revokedKey = revoked.key;
    await keys.revoke(revoked.record.id);
  });

  afterAll(async () => {
    await stack.close();
  });

  it('requires a credential on every route outside the public list', async () => {
    const routes = registeredRoutes(stack);
    expect(routes).toContain('GET /companies/:companyId/api/v1/leads');

    const guarded = routes.filter(
      (route) =>
        !PUBLIC_ROUTES.has(route) &&
        !/^GET \/docs(\/|-json$|-yaml$|$)/.test(route),
    );
    const answers = await Promise.all(
      guarded.map(async (route, index) => {
        const [method, pattern] = route.split(' ');
        const response = await fetch(
          `${stack.url}${concretePath(pattern, companyA)}`,
          {
            method: method === 'ALL' ? 'GET' : method,
            // A distinct client address per route keeps the failed-login throttle out of the way.
            headers: {
              'content-type': 'application/json',
              'x-forwarded-for': `10.1.0.${index + 1}`,
            },
            body: ['GET', 'HEAD', 'ALL'].includes(method) ? undefined : '{}',
          },
        );

        return response.status === 401
          ? null
          : `${route} answered ${response.status}`;
      }),
    );

    expect(guarded.length).toBeGreaterThan(10);
    expect(answers.filter(Boolean)).toEqual([]);
  });

  it.each([
    ['no credential', () => ({})],
    ['a malformed header', () => ({ authorization: 'Bearer' })],
    [
      'a Basic header',
      () => ({
        authorization: `Basic ${Buffer.from('a:b').toString('base64')}`,
      }),
    ],
    [
      'a wrong key',
      () => ({ authorization: 'Bearer not-the-admin-key-but-long-enough' }),
    ],
    [
      'an unknown API key',
      () => ({ authorization: 'Bearer pgw_unknownkeyunknownkeyunknownkey' }),
    ],
    [
      'an expired JWT',
      () => ({
        authorization: `Bearer ${signJwt({ companyId: 1, userId: 1 }, { expiresIn: -60 })}`,
      }),
    ],
    [
      'a JWT signed with another secret',
      () => ({
        authorization: `Bearer ${signJwt({ companyId: 1, userId: 1 }, { secret: 'another-secret' })}`,
      }),
    ],
    [
      'a JWT without exp or iat',
      () => ({
        authorization: `Bearer ${signJwt({ companyId: 1, userId: 1 }, { noTimestamp: true })}`,
      }),
    ],
    ['a revoked API key', () => ({ authorization: `Bearer ${revokedKey}` })],
  ])('answers 401 to %s, and Pipedrive sees nothing', async (name, headers) => {
    const before = await control<SandboxStats>(stack, 'stats');
    for (const path of [
      `/companies/${companyA}/api/v1/leads`,
      '/admin/installations',
    ]) {
      const response = await fetch(`${stack.url}${path}`, {
        headers: { ...headers(), 'x-forwarded-for': `10.2.0.${name.length}` },
      });
      const body = await readJson(response);

      expect(response.status).toBe(401);
      expect(body).toMatchObject({
        success: false,
        code: 'unauthorized',
        error: 'Invalid or missing credentials',
      });
    }
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.apiRequests).toBe(before.apiRequests);
  });

  it('answers 403 when a credential is used on another company', async () => {
    const before = await control<SandboxStats>(stack, 'stats');
    const jwtForA = signJwt(
      { companyId: companyA, userId: adminUser },
      { expiresIn: 300 },
    );

    for (const credential of [keyForA, jwtForA]) {
      const response = await getAs(
        stack,
        `/companies/${companyB}/api/v1/leads`,
        credential,
      );
      expect(response.status).toBe(403);
      expect((await readJson(response)).code).toBe('company_forbidden');
    }
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.apiRequests).toBe(before.apiRequests);
  });

  it('answers 403 to API keys and JWTs on admin routes', async () => {
    const jwtForA = signJwt(
      { companyId: companyA, userId: adminUser },
      { expiresIn: 300 },
    );
    for (const credential of [keyForA, jwtForA]) {
      const response = await getAs(stack, '/admin/installations', credential);
      expect(response.status).toBe(403);
    }
  });

  it('lets a scoped key and a JWT act on their own company', async () => {
    const jwtForA = signJwt(
      { companyId: String(companyA), userId: String(adminUser) },
      { expiresIn: 300 },
    );
    for (const credential of [keyForA, jwtForA]) {
      const response = await getAs(
        stack,
        `/companies/${companyA}/api/v1/leads?limit=1`,
        credential,
      );
      expect(response.status).toBe(200);
    }
  });

  it('uses the JWT user’s own installation token', async () => {
    const token = signJwt(
      { companyId: companyA, userId: secondUser },
      { expiresIn: 300 },
    );

    const response = await getAs(
      stack,
      `/companies/${companyA}/api/v1/leads?limit=1`,
      token,
    );

    expect(response.status).toBe(200);
    const requests = await control<SandboxRequest[]>(stack, 'requests');
    expect(requests.at(-1)).toMatchObject({
      path: '/api/v1/leads',
      companyId: companyA,
      userId: secondUser,
    });
  });

  it('lets a JWT name only its own user', async () => {
    const token = signJwt(
      { companyId: companyA, userId: secondUser },
      { expiresIn: 300 },
    );

    const response = await getAs(
      stack,
      `/companies/${companyA}/api/v1/leads`,
      token,
      {
        'x-pipedrive-user-id': String(adminUser),
      },
    );

    expect(response.status).toBe(403);
  });

  it('uses the user named by X-Pipedrive-User-Id for keys', async () => {
    const response = await getAs(
      stack,
      `/companies/${companyA}/api/v1/leads?limit=1`,
      keyForA,
      {
        'x-pipedrive-user-id': String(secondUser),
      },
    );

    expect(response.status).toBe(200);
    const requests = await control<SandboxRequest[]>(stack, 'requests');
    expect(requests.at(-1)).toMatchObject({
      companyId: companyA,
      userId: secondUser,
    });
  });

  it('prefers the admin user’s installation by default', async () => {
    const response = await getAs(
      stack,
      `/companies/${companyA}/api/v1/leads?limit=1`,
    );

    expect(response.status).toBe(200);
    const requests = await control<SandboxRequest[]>(stack, 'requests');
    expect(requests.at(-1)).toMatchObject({
      companyId: companyA,
      userId: adminUser,
    });
  });

  it('answers 404 installation_not_found for a user who has not installed', async () => {
    const before = await control<SandboxStats>(stack, 'stats');
    const token = signJwt(
      { companyId: companyA, userId: 999999 },
      { expiresIn: 300 },
    );

    for (const response of [
      await getAs(stack, `/companies/${companyA}/api/v1/leads`, token),
      await getAs(
        stack,
        `/companies/${companyA}/api/v1/leads`,
        stack.adminKey,
        { 'x-pipedrive-user-id': '999999' },
      ),
    ]) {
      expect(response.status).toBe(404);
      expect((await readJson(response)).code).toBe('installation_not_found');
    }
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.apiRequests).toBe(before.apiRequests);
  });

  it.each([
    ['/companies/abc/api/v1/leads', {}],
    ['/companies/0/api/v1/leads', {}],
    ['/companies/08142001/api/v1/leads', {}],
    ['/companies/1/api/v1/leads', { 'x-pipedrive-user-id': 'me' }],
  ])('answers 400 validation_failed to %s %j', async (path, headers) => {
    const response = await getAs(stack, path, stack.adminKey, headers);

    expect(response.status).toBe(400);
    expect((await readJson(response)).code).toBe('validation_failed');
  });

  it('blocks guessing from an address but never a valid key', async () => {
    const address = { 'x-forwarded-for': '10.3.0.1' };
    await Promise.all(
      Array.from({ length: MAX_FAILURES_PER_WINDOW }, () =>
        fetch(`${stack.url}/admin/installations`, {
          headers: {
            authorization: 'Bearer wrong-key-wrong-key-wrong',
            ...address,
          },
        }),
      ),
    );

    const guess = await fetch(`${stack.url}/admin/installations`, {
      headers: { authorization: 'Bearer another-wrong-key-here', ...address },
    });
    const valid = await getAs(
      stack,
      '/admin/installations',
      stack.adminKey,
      address,
    );
    const lowercase = await fetch(`${stack.url}/admin/installations`, {
      headers: { authorization: `bearer ${stack.adminKey}`, ...address },
    });

    expect(guess.status).toBe(429);
    expect((await readJson(guess)).code).toBe('too_many_failed_attempts');
    expect(valid.status).toBe(200);
    expect(lowercase.status).toBe(200);
  });

  it('counts failed authentication', async () => {
    const metric = async () => {
      const text = await stack.app
        .get(GatewayMetrics)
        .registry.getSingleMetricAsString('gateway_auth_failures_total');

      return Number(/gateway_auth_failures_total (\d+)/.exec(text)?.[1] ?? 0);
    };
    const before = await metric();

    await fetch(`${stack.url}/admin/installations`, {
      headers: { authorization: 'Bearer wrong-key-wrong-key-wrong-key' },
    });

    expect((await metric()) - before).toBe(1);
  });
});

describe('API key revocation across processes', () => {
  let first: TestStack;
  let second: TestStack;

  beforeAll(async () => {
    first = await startStack();
    second = await startStack({
      databaseUrl: first.databaseUrl,
      sandboxHandle: first.sandbox,
      env: { TOKEN_ENCRYPTION_KEYS: first.env.TOKEN_ENCRYPTION_KEYS },
    });
  });

  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('refuses a key revoked by another process at once', async () => {
    const { companyId } = await installThroughConsent(first);
    const keys = first.app.get(ApiKeysService);
    const { record, key } = await keys.create('shared service', null);
    const path = `/companies/${companyId}/api/v1/leads?limit=1`;
    expect((await getAs(second, path, key)).status).toBe(200);

    await keys.revoke(record.id);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect((await getAs(second, path, key)).status).toBe(401);
  });
});
