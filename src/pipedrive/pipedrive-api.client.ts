import { type IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Agent, type Dispatcher } from 'undici';
import { type TenantContext } from '../auth/caller';
import { GatewayException } from '../common/errors/gateway.exception';
import { GATEWAY_CONFIG } from '../config/config.module';
import { type GatewayConfig } from '../config/gateway-config';
import { type InstallationSnapshot } from '../installations/installation-snapshot';
import { TenantResolver } from '../installations/tenant-resolver.service';
import { TokenRefresher } from '../installations/token-refresher.service';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ApiDomainAllowlist } from './api-domain-allowlist';
import { backoffDelay } from './backoff';
import { RateLimitPacer, RateLimitWaitTooLong } from './rate-limit-pacer';

/** A request to one company's Pipedrive API. */
export interface UpstreamRequest {
  method: string;
  /** Starts with `/api/v1/` or `/api/v2/`. */
  path: string;
  /** The query string without `?`, forwarded as it is. */
  query?: string;
  /** Extra headers such as content-type and accept; never authorization. */
  headers?: Record<string, string>;
  body?: Buffer;
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Dispatcher.ResponseData['body'];
  installationId: string;
}

/** Connections and requests in the undici pools to Pipedrive. */
export interface UpstreamConnectionStats {
  connected: number;
  free: number;
  pending: number;
  queued: number;
  running: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const MAX_TRANSIENT_RETRIES = 2;
const MAX_RATE_LIMIT_RETRIES = 3;

/**
 * The one client every module uses to call a company's Pipedrive API. It
 * picks the installation, keeps its token fresh, sends only to allowlisted
 * api_domains, paces each installation under Pipedrive's burst limit,
 * retries safe methods on network errors and 5xx, refreshes and retries
 * once on a 401, and waits out short 429s.
 */
@Injectable()
export class PipedriveApiClient implements OnApplicationShutdown {
  private readonly logger = new Logger(PipedriveApiClient.name);
  private readonly agent: Agent;
  private readonly allowlist: ApiDomainAllowlist;
  private readonly pacer: RateLimitPacer;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly resolver: TenantResolver,
    private readonly refresher: TokenRefresher,
    private readonly metrics: GatewayMetrics,
  ) {
    this.agent = new Agent({
      connections: 256,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: config.upstream.timeoutMs,
      bodyTimeout: config.upstream.timeoutMs,
      connect: { timeout: 10_000 },
    });
    this.allowlist = new ApiDomainAllowlist(
      config.pipedrive.apiDomainAllowlist,
    );
    this.pacer = new RateLimitPacer(
      config.upstream.defaultBurst,
      config.upstream.burstWindowMs,
      config.upstream.rateLimitMaxWaitMs,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  /** Sends the request; the caller must consume or dump the body. */
  async send(
    context: TenantContext,
    request: UpstreamRequest,
  ): Promise<UpstreamResponse> {
    let installation = await this.resolver.resolve(context);
    if (this.refresher.needsRefresh(installation)) {
      installation = await this.refresher.refresh(installation.id, {
        kind: 'expiring',
      });
    }
    let refreshedAfter401 = false;
    let transientRetries = 0;
    let rateLimitRetries = 0;
    for (;;) {
      const response = await this.sendOnce(
        installation,
        request,
        transientRetries,
      );
      if (response === 'network_error') {
        transientRetries++;
        continue;
      }
      const { status } = response;
      if (status === 401 && !refreshedAfter401) {
        await response.body.dump();
        refreshedAfter401 = true;
        this.metrics.upstreamRetries.inc({ reason: 'unauthorized' });
        installation = await this.refresher.refresh(installation.id, {
          kind: 'rejected',
          revision: installation.revision,
        });
        continue;
      }
      if (status === 429) {
        this.metrics.rateLimited.inc({ source: 'upstream' });
        const waitSeconds = retryAfterSeconds(response.headers);
        this.pacer.blockFor(installation.id, waitSeconds);
        const canWait =
          rateLimitRetries < MAX_RATE_LIMIT_RETRIES &&
          waitSeconds * 1000 <= this.config.upstream.rateLimitMaxWaitMs;
        if (canWait) {
          await response.body.dump();
          rateLimitRetries++;
          this.metrics.upstreamRetries.inc({ reason: 'rate_limited' });
          continue;
        }
        await response.body.dump();
        this.metrics.rateLimited.inc({ source: 'passed_on' });
        throw rateLimited(waitSeconds);
      }
      if (
        status >= 500 &&
        SAFE_METHODS.has(request.method) &&
        transientRetries < MAX_TRANSIENT_RETRIES
      ) {
        await response.body.dump();
        transientRetries++;
        this.metrics.upstreamRetries.inc({ reason: 'server_error' });
        continue;
      }

      return { ...response, installationId: installation.id };
    }
  }

  /** Sends and parses a JSON response, for in-process callers. */
  async json<T>(
    context: TenantContext,
    request: UpstreamRequest,
  ): Promise<{ status: number; body: T }> {
    const response = await this.send(context, {
      ...request,
      headers: { accept: 'application/json', ...request.headers },
    });
    const text = await response.body.text();
    try {
      return { status: response.status, body: JSON.parse(text) as T };
    } catch {
      throw new GatewayException(
        502,
        'upstream_unavailable',
        `Pipedrive answered ${response.status} with a body that is not JSON`,
      );
    }
  }

  /**
   * Reads `GET {api_domain}/api/v1/users/me` with a token that is not yet
   * stored, during an install. The api_domain must be allowlisted.
   */
  async getCurrentUser(
    apiDomain: string,
    accessToken: string,
  ): Promise<Record<string, unknown>> {
    const origin = this.allowlist.check(apiDomain);
    if (!origin) {
      throw new GatewayException(
        400,
        'api_domain_not_allowed',
        `Pipedrive returned an api_domain outside PIPEDRIVE_API_DOMAIN_ALLOWLIST, so the install was refused`,
      );
    }
    let response: Dispatcher.ResponseData;
    try {
      response = await this.agent.request({
        origin,
        path: '/api/v1/users/me',
        method: 'GET',
        headers: {
          authorization: `Bearer ${accessToken}`,
          accept: 'application/json',
        },
      });
    } catch (error) {
      throw new GatewayException(
        502,
        'upstream_unavailable',
        `Pipedrive could not be reached to read the installing user (${(error as { code?: string }).code ?? 'unknown'})`,
      );
    }
    const text = await response.body.text();
    if (response.statusCode !== 200) {
      throw new GatewayException(
        502,
        'upstream_unavailable',
        `Pipedrive answered ${response.statusCode} when reading the installing user`,
      );
    }
    const body = JSON.parse(text) as { data?: Record<string, unknown> };

    return body.data ?? {};
  }

  /**
   * Connection pool figures summed over every Pipedrive origin, for the
   * metrics endpoint. Summing keeps per-company api_domains out of labels.
   */
  connectionStats(): UpstreamConnectionStats {
    const total: UpstreamConnectionStats = {
      connected: 0,
      free: 0,
      pending: 0,
      queued: 0,
      running: 0,
    };
    for (const stats of Object.values(this.agent.stats)) {
      // An Agent with `connections` set keeps a Pool per origin, so these
      // are PoolStats; a single Client would report `connected` as a boolean.
      total.connected += Number(stats.connected);
      total.free += 'free' in stats ? stats.free : 0;
      total.pending += stats.pending;
      total.queued += 'queued' in stats ? stats.queued : 0;
      total.running += stats.running;
    }

    return total;
  }

  /** The canonical origin when the api_domain is allowlisted, else null. */
  checkApiDomain(apiDomain: string): string | null {
    return this.allowlist.check(apiDomain);
  }

  /**
   * One attempt. Returns 'network_error' when the caller may try again;
   * throws when it may not.
   */
  private async sendOnce(
    installation: InstallationSnapshot,
    request: UpstreamRequest,
    transientRetries: number,
  ): Promise<Omit<UpstreamResponse, 'installationId'> | 'network_error'> {
    const origin = this.allowlist.check(installation.apiDomain);
    if (!origin) {
      this.logger.error(
        { installationId: installation.id, companyId: installation.companyId },
        'api_domain is outside PIPEDRIVE_API_DOMAIN_ALLOWLIST; token not sent',
      );
      throw new GatewayException(
        502,
        'api_domain_not_allowed',
        `The company's api_domain is outside PIPEDRIVE_API_DOMAIN_ALLOWLIST, so its token was not sent`,
      );
    }
    if (transientRetries > 0) {
      await sleep(backoffDelay(transientRetries, 100, 2_000));
    }
    try {
      const waitedMs = await this.pacer.acquire(installation.id);
      if (waitedMs > 0) {
        this.metrics.rateLimitWaitSeconds.inc(waitedMs / 1000);
      }
    } catch (error) {
      if (error instanceof RateLimitWaitTooLong) {
        this.metrics.rateLimited.inc({ source: 'passed_on' });
        throw rateLimited(error.retryAfterSeconds);
      }
      throw error;
    }

    const started = process.hrtime.bigint();
    const path = request.query
      ? `${request.path}?${request.query}`
      : request.path;
    try {
      const response = await this.agent.request({
        origin,
        path,
        method: request.method,
        headers: {
          ...request.headers,
          authorization: `Bearer ${installation.accessToken}`,
        },
        body: request.body,
      });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.upstreamDuration.observe(
        {
          method: request.method,
          status_class: `${Math.floor(response.statusCode / 100)}xx`,
        },
        seconds,
      );
      this.pacer.observe(installation.id, response.headers);

      return {
        status: response.statusCode,
        headers: response.headers,
        body: response.body,
      };
    } catch (error) {
      this.pacer.observe(installation.id, {});
      const code = (error as { code?: string }).code ?? 'unknown';
      this.metrics.upstreamDuration.observe(
        { method: request.method, status_class: 'error' },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      const retryable =
        SAFE_METHODS.has(request.method) &&
        transientRetries < MAX_TRANSIENT_RETRIES;
      this.logger.warn(
        {
          installationId: installation.id,
          companyId: installation.companyId,
          code,
          retryable,
        },
        'request to Pipedrive failed',
      );
      if (retryable) {
        this.metrics.upstreamRetries.inc({ reason: 'network_error' });

        return 'network_error';
      }
      const timedOut = code.includes('TIMEOUT');
      throw new GatewayException(
        timedOut ? 504 : 502,
        'upstream_unavailable',
        timedOut
          ? 'Pipedrive did not answer in time'
          : `Pipedrive could not be reached (${code})`,
      );
    }
  }
}

function retryAfterSeconds(headers: IncomingHttpHeaders): number {
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) {
    return Math.max(1, Math.ceil(retryAfter));
  }
  const reset = Number(headers['x-ratelimit-reset']);
  if (Number.isFinite(reset) && reset >= 0) {
    return Math.max(1, Math.ceil(reset));
  }

  return 2;
}

function rateLimited(retryAfter: number): GatewayException {
  return new GatewayException(
    429,
    'rate_limited',
    `Pipedrive's rate limit for this installation is exhausted; retry after ${retryAfter} s`,
    { headers: { 'retry-after': String(retryAfter) } },
  );
}
