import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Request } from 'express';
import { GatewayException } from '../common/errors/gateway.exception';
import { GATEWAY_CONFIG } from '../config/config.module';
import { type GatewayConfig } from '../config/gateway-config';
import { matchesDigest, sha256Digest } from '../crypto/secret-hash';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ADMIN_ONLY } from './admin-only.decorator';
import { API_KEY_PREFIX, ApiKeysService } from './api-keys.service';
import { type Caller, callerMayAccess } from './caller';
import { ExtensionJwtVerifier } from './extension-jwt.verifier';
import { FailedAuthThrottle } from './failed-auth.throttle';
import { IS_PUBLIC } from './public.decorator';

export type AuthenticatedRequest = Request & { caller: Caller };

/** One message for every bad credential, so none reveals which part was wrong. */
const INVALID_CREDENTIALS = 'Invalid or missing credentials';
const JWT_PATTERN = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * The global guard. Every route needs `Authorization: Bearer <credential>`
 * unless marked @Public(): the admin key, a service API key, or a Pipedrive
 * app-extension JWT. Routes with `:companyId` also check that the caller
 * may act on that company, and @AdminOnly() routes take only the admin key.
 */
@Injectable()
export class CallerAuthGuard implements CanActivate {
  private readonly adminKeyDigest: Buffer;

  constructor(
    private readonly reflector: Reflector,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly apiKeys: ApiKeysService,
    private readonly jwt: ExtensionJwtVerifier,
    private readonly throttle: FailedAuthThrottle,
    private readonly metrics: GatewayMetrics,
  ) {
    this.adminKeyDigest = sha256Digest(config.adminApiKey);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      return true;
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const address = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const caller = await this.authenticate(request.headers.authorization);
    if (!caller) {
      this.metrics.authFailures.inc();
      // A valid credential is never refused, so failures from a shared
      // address cannot lock its legitimate callers out. Keys are random
      // 24+ character secrets, so the block only slows guessing further.
      if (this.throttle.isBlocked(address)) {
        throw new GatewayException(
          429,
          'too_many_failed_attempts',
          'Too many failed authentication attempts from this address; wait five minutes',
          { headers: { 'retry-after': '300' } },
        );
      }
      await sleep(this.throttle.recordFailure(address));
      throw new GatewayException(401, 'unauthorized', INVALID_CREDENTIALS, {
        headers: { 'www-authenticate': 'Bearer' },
      });
    }
    request.caller = caller;

    if (
      this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) &&
      caller.kind !== 'admin'
    ) {
      throw new GatewayException(
        403,
        'forbidden',
        'This route needs the admin key',
      );
    }
    const companyParam = request.params?.companyId;
    if (companyParam !== undefined) {
      const companyId = parseCompanyId(String(companyParam));
      if (!callerMayAccess(caller, companyId)) {
        throw new GatewayException(
          403,
          'company_forbidden',
          `This credential may not act on company ${companyId}`,
        );
      }
    }

    return true;
  }

  private async authenticate(
    header: string | undefined,
  ): Promise<Caller | null> {
    const match = /^bearer ([\x21-\x7e]{1,4096})$/i.exec(header ?? '');
    if (!match) {
      return null;
    }
    const credential = match[1];
    if (credential.startsWith(API_KEY_PREFIX)) {
      return this.apiKeys.authenticate(credential);
    }
    if (JWT_PATTERN.test(credential)) {
      return this.jwt.verify(credential);
    }

    return matchesDigest(credential, this.adminKeyDigest)
      ? { kind: 'admin' }
      : null;
  }
}

/** Company ids are Pipedrive's positive integers. */
export function parseCompanyId(value: string): number {
  const companyId = /^[1-9]\d{0,14}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(companyId) || companyId <= 0) {
    throw new GatewayException(
      400,
      'validation_failed',
      'companyId must be a positive integer',
      {
        fields: [
          {
            field: 'companyId',
            rule: 'isPositiveInt',
            message: 'companyId must be a positive integer',
          },
        ],
      },
    );
  }

  return companyId;
}
