import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { control, installThroughConsent, readJson } from '../support/install';
import { type TestStack } from '../support/stack';
import {
  moveApiDomain,
  rawRequest,
  readAccessToken,
  startConfiguredStack,
  startRecordingServer,
} from './proxy-stack';

const BODY_LIMIT_BYTES = 64 * 1024;

describe('generic Pipedrive proxy', () => {
  let stack: TestStack;
  let companyId: number;

  beforeAll(async () => {
    stack = await startConfiguredStack((config) => {
      config.requestBodyLimitBytes = BODY_LIMIT_BYTES;
    });
    companyId = (await installThroughConsent(stack)).companyId;
  });

  afterAll(async () => {
    await stack.close();
  });

  function call(
    path: string,
    init: RequestInit = {},
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(`${stack.url}/companies/${companyId}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${stack.adminKey}`, ...headers },
    });
  }

  async function direct(
    path: string,
    init: RequestInit = {},
  ): Promise<Response> {
    const token = await readAccessToken(stack, companyId);

    return fetch(`${stack.sandbox.apiDomain(companyId)}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  }

  it('forwards a v1 GET with its query byte for byte', async () => {
    const path = '/api/v1/users/me?unused=a%20b&unused=c';

    const response = await call(path);
    const viaGateway = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(viaGateway).toBe(await (await direct(path)).text());
  });

  it('forwards a v2 GET', async () => {
    const path = '/api/v2/deals?limit=2';

    const response = await call(path);
    const viaGateway = await response.text();

    expect(response.status).toBe(200);
    expect(JSON.parse(viaGateway).data).toHaveLength(2);
    expect(viaGateway).toBe(await (await direct(path)).text());
  });

  it('keeps typed route validation for leads', async () => {
    const response = await call('/api/v1/leads?limit=abc');
    const body = await readJson(response);

    expect(response.status).toBe(400);
    expect(body.code).toBe('validation_failed');
    expect(JSON.stringify(body.fields)).toContain('limit');
  });

  it('passes a Pipedrive 400 body through unchanged', async () => {
    const path = '/api/v2/deals?limit=9999';

    const response = await call(path);
    const viaGateway = await response.text();
    const expected = await direct(path);

    expect(response.status).toBe(400);
    expect(expected.status).toBe(400);
    expect(viaGateway).toBe(await expected.text());
  });

  it('passes a Pipedrive 404 for a POST through unchanged', async () => {
    const init = {
      method: 'POST',
      body: '{"title":"Proxy deal"}',
      headers: { 'content-type': 'application/json' },
    };

    const response = await call('/api/v1/deals', init, init.headers);
    const viaGateway = await response.text();
    const expected = await direct('/api/v1/deals', init);

    expect(response.status).toBe(404);
    expect(expected.status).toBe(404);
    expect(viaGateway).toBe(await expected.text());
  });

  it('answers a Pipedrive 404 for an unknown path', async () => {
    const response = await call('/api/v1/noSuchResource/5');
    const body = await readJson(response);

    expect(response.status).toBe(404);
    expect(body.success).toBe(false);
    expect(body.code).toBeUndefined();
  });

  it.each([
    ['dot-dot segment', '/api/v1/../../oauth/authorize'],
    ['encoded dot-dot', '/api/v1/%2e%2e/%2E%2E/admin'],
    ['encoded slash', '/api/v1/deals%2F..%2Fusers'],
    ['encoded backslash', '/api/v1/deals%5c..'],
    ['single dot', '/api/v2/./deals'],
    ['empty segment', '/api/v1//deals'],
  ])('rejects a path with a %s', async (_case, path) => {
    const response = await rawRequest(
      stack,
      'GET',
      `/companies/${companyId}${path}`,
    );

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({
      success: false,
      code: 'validation_failed',
    });
    expect(response.body).toContain('path');
  });

  it('rejects an unused method with 405', async () => {
    const response = await rawRequest(
      stack,
      'PROPFIND',
      `/companies/${companyId}/api/v1/deals`,
    );
    const body = JSON.parse(response.body) as Record<string, unknown>;

    expect(response.status).toBe(405);
    expect(body.code).toBe('method_not_allowed');
    expect(body.error).toContain('PROPFIND');
  });

  it('forwards HEAD without a body', async () => {
    const response = await call('/api/v1/users/me', { method: 'HEAD' });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('rejects a body over the limit with 413', async () => {
    const response = await call(
      '/api/v1/notes',
      { method: 'POST', body: 'x'.repeat(BODY_LIMIT_BYTES + 1) },
      { 'content-type': 'text/plain' },
    );
    const body = await readJson(response);

    expect(response.status).toBe(413);
    expect(body).toMatchObject({ success: false, code: 'payload_too_large' });
  });

  it('rejects a JSON body over the limit with 413', async () => {
    const response = await call(
      '/api/v1/notes',
      {
        method: 'POST',
        body: JSON.stringify({ content: 'x'.repeat(BODY_LIMIT_BYTES) }),
      },
      { 'content-type': 'application/json' },
    );

    expect(response.status).toBe(413);
    expect((await readJson(response)).code).toBe('payload_too_large');
  });

  it('rejects a caller without credentials', async () => {
    const response = await fetch(
      `${stack.url}/companies/${companyId}/api/v1/notes`,
    );

    expect(response.status).toBe(401);
  });

  describe('against a recording upstream', () => {
    let upstream: Awaited<ReturnType<typeof startRecordingServer>>;
    let recordedCompany: number;

    beforeAll(async () => {
      upstream = await startRecordingServer({
        status: 200,
        body: '{"success":true,"data":{"id":1}}',
      });
      const other = stack.sandbox
        .companies()
        .find((company) => company.id !== companyId);
      recordedCompany = (
        await installThroughConsent(stack, { companyId: other!.id })
      ).companyId;
      await moveApiDomain(stack, recordedCompany, upstream.origin);
    });

    afterAll(async () => {
      await upstream.close();
    });

    beforeEach(() => {
      upstream.requests.length = 0;
    });

    function callRecorded(
      path: string,
      init: RequestInit,
      headers: Record<string, string>,
    ): Promise<Response> {
      return fetch(`${stack.url}/companies/${recordedCompany}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${stack.adminKey}`, ...headers },
      });
    }

    it('forwards JSON bytes with unknown and custom-field keys', async () => {
      const payload =
        '{ "title":"Deal  A", "9f3c2a1b0e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b":{"value":1.10,"currency":"EUR"},' +
        '"unknown_field":[1, 2 ,3], "title":"duplicate key kept", "emoji":"\\u00e4\u00f6"}';

      const response = await callRecorded(
        '/api/v1/deals?x=1&x=2&empty=&plus=a+b',
        { method: 'POST', body: payload },
        {
          'content-type': 'application/json; charset=utf-8',
          accept: 'application/json',
          'x-pipedrive-user-id': String(
            stack.sandbox.companies().find((c) => c.id === recordedCompany)!
              .users[0].id,
          ),
        },
      );

      expect(response.status).toBe(200);
      expect(upstream.requests).toHaveLength(1);
      const [received] = upstream.requests;
      expect(received.method).toBe('POST');
      expect(received.url).toBe('/api/v1/deals?x=1&x=2&empty=&plus=a+b');
      expect(received.body.equals(Buffer.from(payload, 'utf8'))).toBe(true);
      expect(received.headers['content-type']).toBe(
        'application/json; charset=utf-8',
      );
      expect(received.headers.authorization).toMatch(/^Bearer \S+$/);
      expect(received.headers.authorization).not.toContain(stack.adminKey);
      expect(received.headers['x-pipedrive-user-id']).toBeUndefined();
    });

    it('forwards form and binary bodies as received', async () => {
      const form = 'name=a%20b&custom%5Bkey%5D=1&name=c';
      await callRecorded(
        '/api/v1/persons',
        { method: 'PUT', body: form },
        { 'content-type': 'application/x-www-form-urlencoded' },
      );
      const binary = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
      await callRecorded(
        '/api/v1/files',
        { method: 'POST', body: binary },
        { 'content-type': 'application/octet-stream' },
      );

      expect(upstream.requests).toHaveLength(2);
      expect(upstream.requests[0].method).toBe('PUT');
      expect(upstream.requests[0].body.toString('utf8')).toBe(form);
      expect(upstream.requests[1].body.equals(binary)).toBe(true);
      expect(upstream.requests[1].headers['content-type']).toBe(
        'application/octet-stream',
      );
    });

    it('forwards DELETE and PATCH on v2 without a body', async () => {
      await callRecorded('/api/v2/deals/42', { method: 'DELETE' }, {});
      await callRecorded(
        '/api/v2/deals/42',
        { method: 'PATCH', body: '{"value":5}' },
        { 'content-type': 'application/json' },
      );

      expect(upstream.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        'DELETE /api/v2/deals/42',
        'PATCH /api/v2/deals/42',
      ]);
      expect(upstream.requests[0].body).toHaveLength(0);
      expect(upstream.requests[1].body.toString()).toBe('{"value":5}');
    });
  });

  describe('response streaming', () => {
    let server: Server;
    let releaseBody: () => void = () => undefined;
    let acceptEncoding: string | undefined;
    let endlessClosed: Promise<void> = Promise.resolve();
    const document = JSON.stringify({ success: true, data: { id: 7 } });

    beforeAll(async () => {
      server = createServer((request, response) => {
        acceptEncoding = request.headers['accept-encoding'];
        if (request.url === '/api/v1/files/1/download') {
          response.writeHead(200, {
            'content-type': 'application/octet-stream',
            'content-disposition': 'attachment; filename="a.bin"',
          });
          response.write('first-part;');
          releaseBody = () => response.end('second-part');

          return;
        }
        if (request.url === '/api/v1/files/2/download') {
          response.writeHead(200, {
            'content-type': 'application/octet-stream',
          });
          const timer = setInterval(() => response.write('chunk;'), 10);
          endlessClosed = new Promise((resolve) =>
            response.once('close', () => {
              clearInterval(timer);
              resolve();
            }),
          );

          return;
        }
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        });
        response.end(gzipSync(document));
      });
      await new Promise<void>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve()),
      );
      const { port } = server.address() as AddressInfo;
      await moveApiDomain(stack, companyId, `http://127.0.0.1:${port}`);
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await moveApiDomain(stack, companyId, stack.sandbox.apiDomain(companyId));
    });

    it('streams the first bytes before the upstream ends', async () => {
      const response = await call('/api/v1/files/1/download');
      const reader = response.body!.getReader();
      const first = await reader.read();

      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toBe(
        'attachment; filename="a.bin"',
      );
      expect(Buffer.from(first.value).toString()).toBe('first-part;');
      releaseBody();
      let rest = '';
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) {
          break;
        }
        rest += Buffer.from(chunk.value).toString();
      }
      expect(rest).toBe('second-part');
    });

    it('closes the upstream body when the caller disconnects', async () => {
      const controller = new AbortController();
      const response = await call('/api/v1/files/2/download', {
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      await reader.read();

      controller.abort();

      await expect(endlessClosed).resolves.toBeUndefined();
    });

    it('passes a gzip body through still compressed', async () => {
      const response = await call(
        '/api/v1/deals/7',
        {},
        {
          'accept-encoding': 'gzip',
        },
      );

      expect(acceptEncoding).toBe('gzip');
      expect(response.headers.get('content-encoding')).toBe('gzip');
      expect(await response.text()).toBe(document);
    });
  });

  it('leaves the sandbox rate limit alone', async () => {
    const stats = await control<{ rateLimited: number }>(stack, 'stats');

    expect(stats.rateLimited).toBe(0);
  });
});
