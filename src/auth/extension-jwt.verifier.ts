import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { GATEWAY_CONFIG } from '../config/config.module';
import { type GatewayConfig } from '../config/gateway-config';
import { type Caller } from './caller';

/** A JWT without `exp` is accepted for this long after its `iat`. */
export const JWT_MAX_AGE_SECONDS = 600;
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Verifies the JWT that Pipedrive gives an app extension: HS256 signed with
 * PIPEDRIVE_JWT_SECRET (the client secret unless set), claims `companyId`
 * and `userId`. `exp` is enforced when present; otherwise `iat` must be
 * present and at most JWT_MAX_AGE_SECONDS old.
 */
@Injectable()
export class ExtensionJwtVerifier {
  private readonly jwt = new JwtService();

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  verify(token: string): Extract<Caller, { kind: 'jwt' }> | null {
    let payload: Record<string, unknown>;
    try {
      payload = this.jwt.verify<Record<string, unknown>>(token, {
        secret: this.config.pipedrive.jwtSecret,
        algorithms: ['HS256'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
    } catch {
      return null;
    }
    if (payload.exp === undefined) {
      const issuedAt = Number(payload.iat);
      const age = Date.now() / 1000 - issuedAt;
      if (
        !Number.isFinite(issuedAt) ||
        age > JWT_MAX_AGE_SECONDS ||
        age < -CLOCK_TOLERANCE_SECONDS
      ) {
        return null;
      }
    }
    const companyId = toId(payload.companyId);
    const userId = toId(payload.userId);
    if (companyId === null || userId === null) {
      return null;
    }

    return { kind: 'jwt', companyId, userId };
  }
}

function toId(value: unknown): number | null {
  const number =
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

  return typeof number === 'number' &&
    Number.isSafeInteger(number) &&
    number > 0
    ? number
    : null;
}
