import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { OAUTH_ERRORS } from './oauth-error';

/**
 * Reads client credentials from HTTP Basic, or from the form body as
 * Pipedrive also allows, and checks them against the registered app.
 */
export function checkClientCredentials(
  req: Request,
  body: Record<string, unknown>,
  app: { clientId: string; clientSecret: string },
): void {
  const credentials = readClientCredentials(req, body);
  if (!credentials) {
    throw OAUTH_ERRORS.noClientCredentials();
  }
  const idMatches = safeEqual(credentials.clientId, app.clientId);
  const secretMatches = safeEqual(credentials.clientSecret, app.clientSecret);
  if (!idMatches || !secretMatches) {
    throw OAUTH_ERRORS.invalidClient();
  }
}

function readClientCredentials(
  req: Request,
  body: Record<string, unknown>,
): { clientId: string; clientSecret: string } | null {
  const match = req.headers.authorization?.match(/^Basic\s+(\S+)\s*$/i);
  if (match) {
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (separator === -1) {
      return null;
    }

    return {
      clientId: decoded.slice(0, separator),
      clientSecret: decoded.slice(separator + 1),
    };
  }
  if (
    typeof body.client_id === 'string' &&
    typeof body.client_secret === 'string'
  ) {
    return { clientId: body.client_id, clientSecret: body.client_secret };
  }

  return null;
}

/** Compares digests in constant time, so length and content do not leak. */
export function safeEqual(actual: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();

  return timingSafeEqual(digest(actual), digest(expected));
}
