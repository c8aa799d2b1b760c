import {
  Controller,
  Get,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  HealthCheckService,
  type HealthCheckResult,
  type HealthIndicatorFunction,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { type Response } from 'express';
import { Public } from '../auth/public.decorator';

/** Maximum time the readiness probe waits for `SELECT 1`. */
const DATABASE_PING_TIMEOUT_MS = 1_500;

/**
 * Probes for an orchestrator. `live` checks only that the process serves
 * HTTP. `ready` also pings the database and answers 503 while it is
 * unreachable, so traffic moves away until the pool reconnects. Both
 * answer terminus's usual body (`{status, info, error, details}`), on
 * failure too, rather than the gateway's error envelope.
 */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  @Get('live')
  live(
    @Res({ passthrough: true }) response: Response,
  ): Promise<HealthCheckResult> {
    return this.run([], response);
  }

  @Get('ready')
  ready(
    @Res({ passthrough: true }) response: Response,
  ): Promise<HealthCheckResult> {
    return this.run(
      [
        () =>
          this.database.pingCheck('database', {
            timeout: DATABASE_PING_TIMEOUT_MS,
          }),
      ],
      response,
    );
  }

  private async run(
    checks: HealthIndicatorFunction[],
    response: Response,
  ): Promise<HealthCheckResult> {
    response.setHeader('cache-control', 'no-store');
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        response.status(503);

        return error.getResponse() as HealthCheckResult;
      }
      throw error;
    }
  }
}
