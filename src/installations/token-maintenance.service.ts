import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { GATEWAY_CONFIG } from '../config/config.module';
import { type GatewayConfig } from '../config/gateway-config';
import { InstallationsService } from './installations.service';
import { TokenRefresher } from './token-refresher.service';

const BATCH_SIZE = 100;

/**
 * Background upkeep that every gateway process runs: refreshes installations
 * whose refresh token has been unused for `tokens.sweepIdleDays` (Pipedrive
 * lets a refresh token lapse after 60 days unused), and retries revocations
 * that failed. Rows being refreshed right now are skipped, and each
 * candidate is re-checked under the usual row lock, so processes running
 * the sweep at once never refresh an installation twice.
 */
@Injectable()
export class TokenMaintenanceService
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(TokenMaintenanceService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly refresher: TokenRefresher,
    private readonly installations: InstallationsService,
  ) {}

  onApplicationBootstrap(): void {
    const intervalMs = this.config.tokens.sweepIntervalSeconds * 1000;
    // A random first delay spreads the sweeps of processes started together.
    const firstDelayMs = Math.min(intervalMs, 30_000 + Math.random() * 30_000);
    const tick = (): void => {
      this.running = this.runOnce()
        .catch((error: unknown) =>
          this.logger.error({ err: error }, 'token maintenance failed'),
        )
        .finally(() => {
          this.running = null;
        });
      this.timer = setTimeout(tick, intervalMs);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, firstDelayMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    await this.running;
  }

  async runOnce(): Promise<{ refreshed: number; revoked: number }> {
    const refreshed = await this.refreshIdle();
    const revoked = await this.installations.retryPendingRevocations();

    return { refreshed, revoked };
  }

  /** Refreshes installations whose refresh token is close to lapsing. */
  async refreshIdle(): Promise<number> {
    const usedBefore = new Date(
      Date.now() - this.config.tokens.sweepIdleDays * 86_400_000,
    );
    const idle: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM installations
       WHERE status = 'active'
         AND refresh_token_ciphertext IS NOT NULL
         AND COALESCE(refresh_token_used_at, installed_at) < $1
       ORDER BY COALESCE(refresh_token_used_at, installed_at)
       LIMIT $2
       FOR UPDATE SKIP LOCKED`,
      [usedBefore, BATCH_SIZE],
    );
    let refreshed = 0;
    for (const { id } of idle) {
      const result = await this.refresher.refreshOnce(id, {
        kind: 'idle',
        usedBefore,
      });
      if (result.ok && result.refreshed) {
        refreshed++;
      }
    }
    if (idle.length > 0) {
      this.logger.log(
        { candidates: idle.length, refreshed },
        'idle refresh tokens refreshed',
      );
    }

    return refreshed;
  }
}
