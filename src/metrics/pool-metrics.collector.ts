import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type Pool } from 'pg';
import { DataSource } from 'typeorm';
import { InstallationCache } from '../installations/installation-cache';
import { PipedriveApiClient } from '../pipedrive/pipedrive-api.client';
import { GatewayMetrics } from './gateway-metrics';

/**
 * Copies pool and cache sizes into the gauges just before a scrape. The
 * sources are looked up lazily across modules, so an application built
 * without one of them still serves the other figures.
 */
@Injectable()
export class PoolMetricsCollector {
  private readonly logger = new Logger(PoolMetricsCollector.name);

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly metrics: GatewayMetrics,
  ) {}

  collect(): void {
    const client = this.find(PipedriveApiClient);
    if (client) {
      const stats = client.connectionStats();
      const gauge = this.metrics.upstreamConnections;
      gauge.set({ state: 'connected' }, stats.connected);
      gauge.set({ state: 'free' }, stats.free);
      gauge.set({ state: 'running' }, stats.running);
      gauge.set({ state: 'pending' }, stats.pending);
      gauge.set({ state: 'queued' }, stats.queued);
    }

    const cache = this.find(InstallationCache);
    if (cache) {
      this.metrics.cachedInstallations.set(cache.size);
    }

    const pool = this.databasePool();
    if (pool) {
      const gauge = this.metrics.databaseConnections;
      gauge.set({ state: 'total' }, pool.totalCount);
      gauge.set({ state: 'idle' }, pool.idleCount);
      gauge.set({ state: 'waiting' }, pool.waitingCount);
    }
  }

  /** The pg pool behind TypeORM's PostgreSQL driver, once it is connected. */
  private databasePool(): Pool | undefined {
    const dataSource = this.find(DataSource);
    if (!dataSource?.isInitialized) {
      return undefined;
    }
    const driver = dataSource.driver as { master?: Pool };

    return driver.master;
  }

  private find<T>(token: abstract new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef.get(token, { strict: false });
    } catch (error) {
      this.logger.debug(
        { err: error, provider: token.name },
        'metrics source not registered',
      );

      return undefined;
    }
  }
}
