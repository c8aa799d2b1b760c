import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { type Writable } from 'node:stream';
import { type Params } from 'nestjs-pino';

/** Query and body parameters whose values never reach a log line. */
const SECRET_PARAMETERS = new Set([
  'code',
  'state',
  'token',
  'access_token',
  'refresh_token',
  'client_secret',
  'api_token',
  'password',
  'http_auth_password',
  'key',
]);

/** Header and field paths that pino replaces with "[Redacted]". */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-token"]',
  'res.headers["set-cookie"]',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.password',
  '*.key',
];

/** Replaces the values of secret query parameters in a URL with `[Redacted]`. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) {
    return url;
  }
  const params = new URLSearchParams(url.slice(queryStart + 1));
  for (const name of [...params.keys()]) {
    if (SECRET_PARAMETERS.has(name.toLowerCase())) {
      params.set(name, '[Redacted]');
    }
  }

  return `${url.slice(0, queryStart)}?${params.toString()}`;
}

/** nestjs-pino settings: JSON lines, a request id, secrets redacted. */
export function createLoggerOptions(level: string, stream?: Writable): Params {
  return {
    pinoHttp: {
      level,
      ...(stream ? { stream } : {}),
      redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
      genReqId: (request: IncomingMessage, response) => {
        const incoming = request.headers['x-request-id'];
        const id =
          typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming)
            ? incoming
            : randomUUID();
        response.setHeader('x-request-id', id);

        return id;
      },
      serializers: {
        req: (request: { id: unknown; method: string; url: string }) => ({
          id: request.id,
          method: request.method,
          url: redactUrl(request.url),
        }),
        res: (response: { statusCode: number }) => ({
          statusCode: response.statusCode,
        }),
      },
      customProps: (request) => {
        const tenant = (request as { tenantLog?: Record<string, unknown> })
          .tenantLog;

        return tenant ?? {};
      },
      autoLogging: {
        ignore: (request) =>
          request.url === '/health/live' || request.url === '/metrics',
      },
    },
  };
}
