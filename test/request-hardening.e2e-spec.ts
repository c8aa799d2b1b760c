import { gzipSync } from 'node:zlib';
import { getAs, installThroughConsent, readJson } from './support/install';
import { startStack, type TestStack } from './support/stack';

describe('hostile request bodies and parameters', () => {
  let stack: TestStack;
  let companyId: number;

  beforeAll(async () => {
    stack = await startStack();
    companyId = (await installThroughConsent(stack)).companyId;
  });

  afterAll(async () => {
    await stack.close();
  });

  function post(
    path: string,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(`${stack.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.adminKey}`,
        'content-type': 'application/json',
        ...headers,
      },
      body,
    });
  }

  it('rejects deeply nested JSON with 400', async () => {
    const nested = `{"name":"x","companyIds":${'['.repeat(5000)}${']'.repeat(5000)}}`;

    for (const path of [
      '/admin/api-keys',
      `/companies/${companyId}/api/v1/webhooks`,
    ]) {
      const response = await post(path, nested);
      const body = await readJson(response);

      expect(response.status).toBe(400);
      expect(body.code).toBe('validation_failed');
      expect(body.error).toContain('nests deeper than 64 levels');
    }
  });

  it('rejects a body that does not match its Content-Encoding', async () => {
    const response = await post('/admin/api-keys', 'notgzip', {
      'content-encoding': 'gzip',
    });

    expect(response.status).toBe(400);
    expect((await readJson(response)).code).toBe('validation_failed');
  });

  it('accepts a body that matches its Content-Encoding', async () => {
    const response = await post(
      '/admin/api-keys',
      gzipSync(JSON.stringify({ name: 'compressed' })),
      { 'content-encoding': 'gzip' },
    );

    expect(response.status).toBe(201);
  });

  it.each([
    ['GET', '/api/v1/userSettings?x=1'],
    ['GET', '/api/v1/webhooks?x=1'],
    ['DELETE', '/api/v1/webhooks/2?x=1'],
  ])('rejects unknown parameters on %s %s', async (method, path) => {
    const response = await fetch(`${stack.url}/companies/${companyId}${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.adminKey}` },
    });
    const body = await readJson(response);

    expect(response.status).toBe(400);
    expect(body.fields).toEqual([
      { field: 'x', rule: 'unknown', message: 'x is not a known field' },
    ]);
  });

  it('still serves those routes without parameters', async () => {
    const response = await getAs(
      stack,
      `/companies/${companyId}/api/v1/userSettings`,
    );

    expect(response.status).toBe(200);
  });
});
