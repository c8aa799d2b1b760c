import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Request, type Response } from 'express';
import { IsNull, LessThan, type Repository } from 'typeorm';
import { GATEWAY_CONFIG } from '../config/config.module';
import { type GatewayConfig } from '../config/gateway-config';
import {
  constantTimeEquals,
  hmacSha256,
  sha256Hex,
} from '../crypto/secret-hash';
import { OAuthState } from './oauth-state.entity';

export const STATE_COOKIE = 'pd_install';
const NONCE_PATTERN = /^[\w-]{43}$/;
const ALREADY_USED: StateRejection = {
  status: 403,
  message: 'This install link was already used. Start the install again.',
};
const STATE_LIFETIME_MS = 10 * 60_000;

/** Why a callback's state was not accepted; the page shows the message. */
export interface StateRejection {
  status: 400 | 403;
  message: string;
}

type VerifyCallback = (
  error: Error | null,
  ok: boolean,
  info?: StateRejection | { marketplace: boolean },
) => void;

/**
 * passport-oauth2's state store, backed by PostgreSQL so that any gateway
 * process can finish an install another process started. A state is
 * `<id>.<HMAC of id>`, single use, valid for 10 minutes, and bound to the
 * browser by a random cookie whose hash is stored with it.
 */
@Injectable()
export class OAuthStateStore {
  private readonly logger = new Logger(OAuthStateStore.name);
  private readonly signingKey: Buffer;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @InjectRepository(OAuthState)
    private readonly states: Repository<OAuthState>,
  ) {
    this.signingKey = hmacSha256(
      config.pipedrive.clientSecret,
      'oauth-state-signing-key',
    );
  }

  store(
    request: Request,
    _meta: unknown,
    callback: (error: Error | null, state?: string) => void,
  ): void {
    this.issue(request).then(
      (state) => callback(null, state),
      (error: Error) => callback(error),
    );
  }

  verify(
    request: Request,
    state: string | undefined,
    callback: VerifyCallback,
  ): void {
    this.check(request, state).then(
      (result) => callback(null, !('status' in result), result),
      (error: Error) => callback(error, false),
    );
  }

  private async issue(request: Request): Promise<string> {
    const id = randomBytes(18).toString('base64url');
    // A browser keeps one nonce, so installs started in two tabs both finish.
    const existing = readCookie(request);
    const browserNonce =
      existing && NONCE_PATTERN.test(existing)
        ? existing
        : randomBytes(32).toString('base64url');
    await this.states.insert({
      id,
      browserBindingHash: sha256Hex(browserNonce),
      expiresAt: new Date(Date.now() + STATE_LIFETIME_MS),
    });
    await this.states.delete({
      expiresAt: LessThan(new Date(Date.now() - STATE_LIFETIME_MS)),
    });
    const response = request.res as Response;
    response.cookie(STATE_COOKIE, browserNonce, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.publicUrl.startsWith('https:'),
      path: '/oauth',
      maxAge: STATE_LIFETIME_MS,
    });

    return `${id}.${this.sign(id)}`;
  }

  private async check(
    request: Request,
    state: string | undefined,
  ): Promise<StateRejection | { marketplace: boolean }> {
    if (state === undefined || state === '') {
      // Installs started from the Pipedrive Marketplace carry no state.
      return { marketplace: true };
    }
    const [id, signature, extra] = String(state).split('.');
    if (
      !id ||
      !signature ||
      extra !== undefined ||
      !constantTimeEquals(signature, this.sign(id))
    ) {
      return {
        status: 400,
        message: 'The install link is invalid. Start the install again.',
      };
    }
    const row = await this.states.findOneBy({ id });
    if (!row || row.consumedAt) {
      this.logger.warn({ stateId: id }, 'OAuth state replayed or unknown');

      return ALREADY_USED;
    }
    if (row.expiresAt.getTime() < Date.now()) {
      return {
        status: 400,
        message: 'This install link has expired. Start the install again.',
      };
    }
    const nonce = readCookie(request);
    if (
      !nonce ||
      !constantTimeEquals(sha256Hex(nonce), row.browserBindingHash)
    ) {
      // Not consumed, so the browser that started the install can still finish it.
      this.logger.warn(
        { stateId: id },
        'OAuth state used from another browser',
      );

      return {
        status: 403,
        message:
          'This install was started in another browser. Start the install again here.',
      };
    }
    const consumed = await this.states.update(
      { id, consumedAt: IsNull() },
      { consumedAt: new Date() },
    );
    if (!consumed.affected) {
      this.logger.warn({ stateId: id }, 'OAuth state replayed');

      return ALREADY_USED;
    }
    // The cookie stays: other installs started in this browser still need it,
    // and it expires with the last state it could match.

    return { marketplace: false };
  }

  private sign(id: string): string {
    return hmacSha256(this.signingKey, id).toString('base64url');
  }
}

function readCookie(request: Request): string | undefined {
  const cookies = (request as Request & { cookies?: Record<string, string> })
    .cookies;

  return cookies?.[STATE_COOKIE];
}
