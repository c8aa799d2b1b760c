import { Controller, Get, Res } from '@nestjs/common';
import { type Response } from 'express';
import { Public } from '../auth/public.decorator';
import { GatewayMetrics } from './gateway-metrics';
import { PoolMetricsCollector } from './pool-metrics.collector';

/**
 * Prometheus scrape endpoint. It is public like the health probes; labels
 * carry no company ids, tokens or raw paths.
 */
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly collector: PoolMetricsCollector,
  ) {}

  @Get()
  async scrape(@Res() response: Response): Promise<void> {
    this.collector.collect();
    const text = await this.metrics.registry.metrics();
    response
      .status(200)
      .setHeader('content-type', this.metrics.registry.contentType)
      .setHeader('cache-control', 'no-store')
      .send(text);
  }
}
