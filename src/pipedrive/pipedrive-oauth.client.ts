import { Inject, Injectable, Logger } from '@nestjs/common';
import { request } from 'undici';
import { GATEWAY_CONFIG } from '../config/config.module';
import { type GatewayConfig } from '../config/gateway-config';

/** Pipedrive's response to both the code and the refresh grant. */
export interface TokenGrant {
  accessToken: string;
  refreshToken: string;
  /** Comma-separated in Pipedrive's response; split here. */
  scopes: string[];
  expiresInSeconds: number;
  apiDomain: string;
}

export type OAuthFailureKind =
  'invalid_grant' | 'invalid_client' | 'invalid_request' | 'transient';

/**
 * A failed call to Pipedrive's OAuth server. `transient` covers network
 * errors, timeouts and 5xx; the other kinds are Pipedrive's 4xx responses.
 * The message never contains a token or secret.
 */
export class OAuthServerError extends Error {
  constructor(
    readonly kind: OAuthFailureKind,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'OAuthServerError';
  }
}

const TIMEOUT_MS = 15_000;

/**
 * Calls Pipedrive's OAuth server: the code exchange, the refresh grant and
 * revocation, all form-encoded with the app's credentials as HTTP Basic.
 */
@Injectable()
export class PipedriveOAuthClient {
  private readonly logger = new Logger(PipedriveOAuthClient.name);

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  exchangeCode(code: string, redirectUri: string): Promise<TokenGrant> {
    return this.grant({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
    });
  }

  refresh(refreshToken: string): Promise<TokenGrant> {
    return this.grant({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
  }

  /** Revokes a token. Pipedrive returns 200 for unknown tokens too (RFC 7009). */
  async revoke(
    token: string,
    hint: 'refresh_token' | 'access_token',
  ): Promise<void> {
    const response = await this.post('/oauth/revoke', {
      token,
      token_type_hint: hint,
    });
    if (response.status !== 200) {
      throw classify(response.status, response.text, 'revoke');
    }
  }

  private async grant(form: Record<string, string>): Promise<TokenGrant> {
    const response = await this.post('/oauth/token', form);
    if (response.status !== 200) {
      throw classify(response.status, response.text, form.grant_type);
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(response.text) as Record<string, unknown>;
    } catch {
      throw new OAuthServerError(
        'transient',
        response.status,
        `Pipedrive's ${form.grant_type} answer is not JSON`,
      );
    }
    const grant: TokenGrant = {
      accessToken: stringField(body.access_token),
      refreshToken: stringField(body.refresh_token),
      scopes: stringField(body.scope).split(/[ ,]+/).filter(Boolean),
      expiresInSeconds: Number(body.expires_in ?? 0),
      apiDomain: stringField(body.api_domain),
    };
    if (!grant.accessToken || !grant.refreshToken || !grant.apiDomain) {
      throw new OAuthServerError(
        'transient',
        response.status,
        `Pipedrive's ${form.grant_type} answer lacks access_token, refresh_token or api_domain`,
      );
    }
    if (!(grant.expiresInSeconds > 0)) {
      grant.expiresInSeconds = 3600;
    }

    return grant;
  }

  private async post(
    path: string,
    form: Record<string, string>,
  ): Promise<{ status: number; text: string }> {
    const { clientId, clientSecret, oauthUrl } = this.config.pipedrive;
    const credentials = Buffer.from(`${clientId}:${clientSecret}`).toString(
      'base64',
    );
    try {
      const response = await request(`${oauthUrl}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${credentials}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams(form).toString(),
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });

      return { status: response.statusCode, text: await response.body.text() };
    } catch (error) {
      this.logger.warn(
        { err: describeNetworkError(error), path },
        'Pipedrive OAuth server unreachable',
      );
      throw new OAuthServerError(
        'transient',
        null,
        `Pipedrive's OAuth server is unreachable (${describeNetworkError(error)})`,
      );
    }
  }
}

/** Returns a JSON string field, or '' when it is missing or not a string. */
function stringField(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function classify(
  status: number,
  text: string,
  operation: string,
): OAuthServerError {
  const lower = text.toLowerCase();
  const summary = summarise(text);
  if (status >= 500 || status === 429) {
    return new OAuthServerError(
      'transient',
      status,
      `Pipedrive's OAuth server answered ${status} to ${operation}`,
    );
  }
  if (lower.includes('invalid_grant') || lower.includes('invalid grant')) {
    return new OAuthServerError('invalid_grant', status, summary);
  }
  if (lower.includes('invalid_client') || lower.includes('invalid client')) {
    return new OAuthServerError('invalid_client', status, summary);
  }

  return new OAuthServerError('invalid_request', status, summary);
}

/** Keeps Pipedrive's error text short; it never echoes tokens back. */
function summarise(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const message = body.message ?? body.error_description ?? body.error;
    if (typeof message === 'string') {
      return message.slice(0, 200);
    }
  } catch {
    // not JSON: fall through to the raw text
  }

  return text.slice(0, 200);
}

function describeNetworkError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };

  return code ?? message ?? 'unknown error';
}
