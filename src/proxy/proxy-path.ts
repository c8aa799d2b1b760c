import { GatewayException } from '../common/errors/gateway.exception';

/** The Pipedrive path and raw query string of a proxied request. */
export interface ProxiedTarget {
  /** Starts with `/api/v1/` or `/api/v2/`, still percent-encoded. */
  path: string;
  /** The query string without `?`, exactly as the caller sent it. */
  query: string;
}

const PREFIX_PATTERN = /^\/companies\/[^/]+(\/api\/v[12]\/.*)$/;
/** Percent-encoded `/` and `\`, which Pipedrive could decode into separators. */
const ENCODED_SEPARATOR = /%(2f|5c)/i;

/**
 * Splits a request URL under `/companies/:companyId/api/v1|v2/` into the
 * Pipedrive path and query. Rejects with 400 any segment that could leave
 * the API prefix: `.` and `..` (also percent-encoded), encoded slashes or
 * backslashes, raw backslashes and empty segments.
 */
export function readProxiedTarget(originalUrl: string): ProxiedTarget {
  const queryStart = originalUrl.indexOf('?');
  const rawPath =
    queryStart === -1 ? originalUrl : originalUrl.slice(0, queryStart);
  const query = queryStart === -1 ? '' : originalUrl.slice(queryStart + 1);
  const match = PREFIX_PATTERN.exec(rawPath);
  if (!match) {
    throw invalidPath(
      'the path must continue with /api/v1/ or /api/v2/ after the company id',
    );
  }
  const path = match[1];
  const segments = path.split('/').slice(3);
  for (const [index, segment] of segments.entries()) {
    const isLast = index === segments.length - 1;
    if (segment === '' && !isLast) {
      throw invalidPath('the path contains an empty segment (//)');
    }
    if (segment.includes('\\') || ENCODED_SEPARATOR.test(segment)) {
      throw invalidPath(
        'the path contains a backslash or an encoded slash (%2F, %5C)',
      );
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw invalidPath(
        `the path segment "${segment}" is not valid percent-encoding`,
      );
    }
    if (decoded === '.' || decoded === '..') {
      throw invalidPath('the path contains a "." or ".." segment');
    }
  }
  if (segments.length === 0 || segments[0] === '') {
    throw invalidPath(
      'the path names no Pipedrive resource after the API version',
    );
  }

  return { path, query };
}

function invalidPath(rule: string): GatewayException {
  const message = `Invalid Pipedrive API path: ${rule}`;

  return new GatewayException(400, 'validation_failed', message, {
    fields: [{ field: 'path', rule: 'isPipedriveApiPath', message }],
  });
}
