import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { Client } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { type EntityManager } from 'typeorm';
import { GATEWAY_CONFIG } from '../config/config.module';
import { type GatewayConfig } from '../config/gateway-config';
import { InstallationCache } from './installation-cache';

const CHANNEL = 'installation_changed';

/**
 * Tells every gateway process sharing the database that an installation
 * changed, through PostgreSQL LISTEN/NOTIFY, so their caches drop it.
 * A notification sent inside a transaction is delivered at commit.
 */
@Injectable()
export class InstallationNotifier
  implements OnModuleInit, OnApplicationShutdown
{
  private readonly logger = new Logger(InstallationNotifier.name);
  private client: Client | null = null;
  private stopped = false;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly cache: InstallationCache,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  /** Sends the change notice within the caller's transaction. */
  async notify(
    manager: EntityManager,
    change: { companyId: number; installationId: string; revision: number },
  ): Promise<void> {
    await manager.query('SELECT pg_notify($1, $2)', [
      CHANNEL,
      `${change.companyId}:${change.installationId}:${change.revision}`,
    ]);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl });
    client.on('notification', (message) => this.handle(message.payload));
    client.on('error', (error) => {
      this.logger.warn(
        { err: error },
        'installation change listener failed; reconnecting',
      );
      void this.reconnect(client);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  /** Drops the whole cache, since notices may have been missed meanwhile. */
  private async reconnect(failed: Client): Promise<void> {
    if (this.client !== failed || this.stopped) {
      return;
    }
    this.client = null;
    this.cache.clear();
    await failed.end().catch(() => undefined);
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.listen();
        this.cache.clear();
        this.logger.log('installation change listener reconnected');

        return;
      } catch (error) {
        this.logger.warn(
          { err: error, attempt },
          'installation change listener reconnect failed',
        );
        await sleep(Math.min(30_000, 500 * 2 ** attempt));
      }
    }
  }

  private handle(payload: string | undefined): void {
    const [company, installationId, revision] = (payload ?? '').split(':');
    const companyId = Number(company);
    if (!Number.isFinite(companyId) || !installationId) {
      this.cache.clear();

      return;
    }
    this.cache.invalidate(companyId, installationId, Number(revision));
  }
}
