import {
  Global,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import { GatewayMetrics } from './gateway-metrics';
import { MetricsController } from './metrics.controller';
import { PoolMetricsCollector } from './pool-metrics.collector';
import { RequestCounterMiddleware } from './request-counter.middleware';

/** The metrics registry (global), `GET /metrics` and the request counter. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [GatewayMetrics, PoolMetricsCollector],
  exports: [GatewayMetrics],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestCounterMiddleware).forRoutes('{*path}');
  }
}
