import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { type Request } from 'express';
import { GatewayException } from '../common/errors/gateway.exception';
import { GATEWAY_CONFIG } from '../config/config.module';
import { type GatewayConfig } from '../config/gateway-config';
import { matchesDigest, sha256Digest } from '../crypto/secret-hash';

/**
 * Admits only Pipedrive's own calls to the app: HTTP Basic with the app's
 * client id and secret, compared in constant time. As a guard it runs
 * before the body is validated, so an unauthenticated caller learns
 * nothing about the expected body.
 */
@Injectable()
export class PipedriveClientAuthGuard implements CanActivate {
  private readonly logger = new Logger(PipedriveClientAuthGuard.name);
  private readonly expectedDigest: Buffer;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    const { clientId, clientSecret } = config.pipedrive;
    const credentials = Buffer.from(`${clientId}:${clientSecret}`).toString(
      'base64',
    );
    this.expectedDigest = sha256Digest(`Basic ${credentials}`);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const authorization = request.headers.authorization ?? '';
    if (!matchesDigest(authorization, this.expectedDigest)) {
      this.logger.warn(
        { path: request.path },
        'call with missing or wrong app credentials rejected',
      );
      throw new GatewayException(
        401,
        'unauthorized',
        'Invalid or missing credentials',
        { headers: { 'www-authenticate': 'Basic realm="pipedrive-gateway"' } },
      );
    }

    return true;
  }
}
