import { Injectable } from '@nestjs/common';
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
} from 'prom-client';

/**
 * The gateway's Prometheus metrics, in a registry of its own so that
 * several applications in one process (as in tests) do not collide.
 * Labels carry only bounded values: route patterns, status codes and
 * outcomes, never company ids or paths with ids.
 */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'gateway_http_requests_total',
    help: 'Requests answered by the gateway, by route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly upstreamDuration = new Histogram({
    name: 'gateway_upstream_request_duration_seconds',
    help: 'Time from sending a request to Pipedrive until its response headers arrive',
    labelNames: ['method', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly upstreamRetries = new Counter({
    name: 'gateway_upstream_retries_total',
    help: 'Requests to Pipedrive sent again, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly refreshes = new Counter({
    name: 'gateway_token_refreshes_total',
    help: 'Token refresh attempts by outcome (refreshed, invalid_grant, invalid_client, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'gateway_rate_limited_total',
    help: '429 answers: "upstream" received from Pipedrive, "passed_on" answered to a client',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly rateLimitWaitSeconds = new Counter({
    name: 'gateway_rate_limit_wait_seconds_total',
    help: 'Time requests spent waiting for a rate-limit slot',
    registers: [this.registry],
  });

  readonly webhookEvents = new Counter({
    name: 'gateway_webhook_events_total',
    help: 'Webhook deliveries received, by result (stored, duplicate, rejected)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly authFailures = new Counter({
    name: 'gateway_auth_failures_total',
    help: 'Requests rejected for a missing or invalid credential',
    registers: [this.registry],
  });

  readonly upstreamConnections = new Gauge({
    name: 'gateway_upstream_connections',
    help: 'Connections to Pipedrive held in the pool, by state',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly databaseConnections = new Gauge({
    name: 'gateway_database_connections',
    help: 'Connections in the PostgreSQL pool (total, idle) and clients waiting for one',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly cachedInstallations = new Gauge({
    name: 'gateway_cached_installations',
    help: 'Installations held in the in-memory cache',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
