import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  SANDBOX_OPTIONS,
  type ResolvedSandboxOptions,
} from '../sandbox-options';
import type { TokenKind, TokenRecord } from '../state/sandbox-data';
import { SandboxStore } from '../state/sandbox-store.service';
import { OAUTH_ERRORS } from './oauth-error';

/** Authorization codes live 5 minutes and work once. */
const CODE_TTL_MS = 5 * 60_000;
/** A refresh token lapses after 60 days without use. */
const REFRESH_TTL_MS = 60 * 24 * 3_600_000;

interface AuthorizationCode {
  companyId: number;
  userId: number;
  scopes: string[];
  redirectUri: string;
  expiresAt: number;
  used: boolean;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  scopes: string[];
  expiresIn: number;
  companyId: number;
  userId: number;
  accessTokenId: string;
}

export type AccessCheck =
  | { ok: true; token: TokenRecord }
  | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'revoked' };

export function hashToken(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Issues and checks authorization codes, access tokens and refresh tokens.
 * Token values are opaque (`<companyId>:<userId>:<40 hex>`) and only their
 * SHA-256 digests are stored. Logs and controls use the internal token id.
 */
@Injectable()
export class TokenStore {
  private codes = new Map<string, AuthorizationCode>();

  constructor(
    private readonly store: SandboxStore,
    @Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions,
  ) {}

  issueCode(companyId: number, userId: number): string {
    const code = randomBytes(20).toString('hex');
    this.codes.set(hashToken(code), {
      companyId,
      userId,
      scopes: [...this.store.data.appScopes],
      redirectUri: this.options.app.redirectUri,
      expiresAt: this.options.now() + CODE_TTL_MS,
      used: false,
    });

    return code;
  }

  /** Exchanges an authorization code. A used code fails like an unknown one. */
  exchangeCode(code: string, redirectUri: string): IssuedTokens {
    const grant = this.codes.get(hashToken(code));
    if (!grant || grant.used) {
      throw OAUTH_ERRORS.invalidCode();
    }
    if (this.options.now() >= grant.expiresAt) {
      throw OAUTH_ERRORS.expiredCode();
    }
    if (!URL.canParse(redirectUri)) {
      throw OAUTH_ERRORS.malformedRedirectUri();
    }
    if (redirectUri !== grant.redirectUri) {
      throw OAUTH_ERRORS.invalidRedirectUri();
    }
    grant.used = true;

    const refreshToken = this.createToken(
      'refresh',
      grant.companyId,
      grant.userId,
      grant.scopes,
      null,
    );

    return this.issueAccess(refreshToken.value, refreshToken.record);
  }

  /** Issues a new access token, keeping the same refresh token. */
  refresh(refreshToken: string): IssuedTokens {
    const record = this.store.data.tokens[hashToken(refreshToken)];
    const now = this.options.now();
    if (
      !record ||
      record.kind !== 'refresh' ||
      record.revoked ||
      now >= record.expiresAt
    ) {
      throw OAUTH_ERRORS.invalidRefreshToken();
    }
    record.expiresAt = now + REFRESH_TTL_MS;

    return this.issueAccess(refreshToken, record);
  }

  checkAccessToken(value: string | null): AccessCheck {
    if (!value) {
      return { ok: false, reason: 'missing' };
    }
    const record = this.store.data.tokens[hashToken(value)];
    if (!record || record.kind !== 'access') {
      return { ok: false, reason: 'unknown' };
    }
    if (record.revoked) {
      return { ok: false, reason: 'revoked' };
    }
    if (this.options.now() >= record.expiresAt) {
      return { ok: false, reason: 'expired' };
    }

    return { ok: true, token: record };
  }

  /** Finds a stored token by value, whatever its kind or state. */
  find(value: string): TokenRecord | undefined {
    return this.store.data.tokens[hashToken(value)];
  }

  /** Revokes one access token, leaving the user's other tokens valid. */
  revokeAccessToken(record: TokenRecord): void {
    record.revoked = true;
    this.store.changed();
  }

  /** Deletes every token of one user in one company and returns the count. */
  forgetUser(companyId: number, userId: number): number {
    let removed = 0;
    for (const [hash, record] of Object.entries(this.store.data.tokens)) {
      if (record.companyId === companyId && record.userId === userId) {
        delete this.store.data.tokens[hash];
        removed += 1;
      }
    }
    this.store.changed();

    return removed;
  }

  /** Expires access tokens now: all of them, or those of one company. */
  expireAccessTokens(companyId?: number): number {
    const now = this.options.now();
    let expired = 0;
    for (const record of Object.values(this.store.data.tokens)) {
      const matches =
        record.kind === 'access' &&
        !record.revoked &&
        record.expiresAt > now &&
        (companyId === undefined || record.companyId === companyId);
      if (matches) {
        record.expiresAt = now;
        expired += 1;
      }
    }
    this.store.changed();

    return expired;
  }

  /** Forgets authorization codes. SandboxStore.reset() clears the tokens. */
  reset(): void {
    this.codes.clear();
  }

  private issueAccess(
    refreshToken: string,
    refreshRecord: TokenRecord,
  ): IssuedTokens {
    this.pruneExpiredAccessTokens();
    const access = this.createToken(
      'access',
      refreshRecord.companyId,
      refreshRecord.userId,
      refreshRecord.scopes,
      refreshRecord.id,
    );

    return {
      accessToken: access.value,
      refreshToken,
      scopes: refreshRecord.scopes,
      expiresIn: this.options.accessTokenTtlSeconds,
      companyId: refreshRecord.companyId,
      userId: refreshRecord.userId,
      accessTokenId: access.record.id,
    };
  }

  private createToken(
    kind: TokenKind,
    companyId: number,
    userId: number,
    scopes: string[],
    refreshTokenId: string | null,
  ): { value: string; record: TokenRecord } {
    const value = `${companyId}:${userId}:${randomBytes(20).toString('hex')}`;
    const now = this.options.now();
    const record: TokenRecord = {
      id: `${kind === 'access' ? 'at' : 'rt'}_${randomBytes(8).toString('hex')}`,
      kind,
      companyId,
      userId,
      scopes: [...scopes],
      issuedAt: now,
      expiresAt:
        kind === 'access'
          ? now + this.options.accessTokenTtlSeconds * 1000
          : now + REFRESH_TTL_MS,
      refreshTokenId,
      revoked: false,
    };
    this.store.data.tokens[hashToken(value)] = record;
    this.store.changed();

    return { value, record };
  }

  /** Drops access tokens that expired over a day ago to bound the state. */
  private pruneExpiredAccessTokens(): void {
    const cutoff = this.options.now() - 24 * 3_600_000;
    for (const [hash, record] of Object.entries(this.store.data.tokens)) {
      if (record.kind === 'access' && record.expiresAt < cutoff) {
        delete this.store.data.tokens[hash];
      }
    }
  }
}
