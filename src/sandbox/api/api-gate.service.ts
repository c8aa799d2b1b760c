import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { FaultInjector, type Fault } from '../controls/fault-injector.service';
import { TokenStore } from '../oauth/token-store.service';
import {
  SANDBOX_OPTIONS,
  type ResolvedSandboxOptions,
} from '../sandbox-options';
import { SandboxServers } from '../sandbox-servers.service';
import { ActivityLog } from '../state/activity-log.service';
import type { TokenRecord } from '../state/sandbox-data';
import { API_ERRORS, faultBody } from './pipedrive-api-error';
import { RateLimiter, type RateLimitResult } from './rate-limiter.service';

/** The authenticated caller of an API request. */
export interface ApiCaller {
  companyId: number;
  userId: number;
  tokenId: string;
  scopes: string[];
}

export type SandboxRequest = Request & { apiCaller?: ApiCaller };

const OAUTH_FAULT_PATHS = ['/oauth/token', '/oauth/revoke'];

/**
 * Runs before routing on every listener. It keeps the API on company ports
 * and OAuth and controls on the main port, then for API requests applies
 * injected faults, checks the bearer token and the burst limit, and records
 * the request for GET /_sandbox/requests.
 */
@Injectable()
export class ApiGate {
  constructor(
    private readonly servers: SandboxServers,
    private readonly tokens: TokenStore,
    private readonly rateLimiter: RateLimiter,
    private readonly faults: FaultInjector,
    private readonly activity: ActivityLog,
    @Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions,
  ) {}

  readonly middleware = (
    req: SandboxRequest,
    res: Response,
    next: NextFunction,
  ): void => {
    this.route(req, res, next).catch(next);
  };

  private async route(
    req: SandboxRequest,
    res: Response,
    next: NextFunction,
  ): Promise<void> {
    const role = this.servers.roleOf(req.socket.localPort);
    const isApiPath = req.path === '/api' || req.path.startsWith('/api/');

    if (role.kind !== 'company') {
      if (isApiPath) {
        const error = API_ERRORS.notFound();
        sendJson(res, error.status, error.toBody());

        return;
      }
      if (OAUTH_FAULT_PATHS.some((path) => req.path.startsWith(path))) {
        const fault = this.faults.take(req.path, false);
        if (fault && (await this.applyFault(fault, res, true))) {
          return;
        }
      }
      next();

      return;
    }

    if (!isApiPath) {
      const error = API_ERRORS.notFound();
      sendJson(res, error.status, error.toBody());

      return;
    }
    await this.gateApiRequest(req, res, next, role.companyId);
  }

  private async gateApiRequest(
    req: SandboxRequest,
    res: Response,
    next: NextFunction,
    companyId: number,
  ): Promise<void> {
    const bearer = readBearer(req.headers.authorization);
    const known = bearer ? this.tokens.find(bearer) : undefined;
    res.on('finish', () => {
      this.activity.recordApiRequest({
        method: req.method,
        path: req.path,
        companyId,
        userId: known?.userId ?? null,
        tokenId: known?.id ?? null,
        status: res.statusCode,
        at: new Date(this.options.now()).toISOString(),
      });
    });

    const fault = this.faults.take(req.path, true);
    if (fault && (await this.applyFault(fault, res, false))) {
      return;
    }

    const check = this.tokens.checkAccessToken(bearer);
    const token: TokenRecord | null =
      check.ok && check.token.companyId === companyId ? check.token : null;
    if (!token) {
      // Another company's token arriving here is as unknown as a made-up one.
      this.options.logger.warn(
        {
          companyId,
          tokenId: known?.id ?? null,
          reason: check.ok ? 'other_company' : check.reason,
          path: req.path,
        },
        'API request rejected: invalid access token',
      );
      setRateLimitHeaders(res, this.rateLimiter.peek(`anonymous:${companyId}`));
      const error = API_ERRORS.unauthorized();
      sendJson(res, error.status, {
        ...error.toBody(),
        error_info:
          'The access token is missing, invalid or expired. Refresh it or reinstall the app.',
      });

      return;
    }

    const limit = this.rateLimiter.hit(token.id);
    setRateLimitHeaders(res, limit);
    if (!limit.allowed) {
      this.activity.countRateLimited();
      res.setHeader('Retry-After', String(limit.resetSeconds));
      const error = API_ERRORS.tooManyRequests();
      sendJson(res, error.status, error.toBody());

      return;
    }

    req.apiCaller = {
      companyId,
      userId: token.userId,
      tokenId: token.id,
      scopes: token.scopes,
    };
    next();
  }

  /** Delays, then sends the fault status. Returns false for 200, which only delays. */
  private async applyFault(
    fault: Fault,
    res: Response,
    isOAuth: boolean,
  ): Promise<boolean> {
    if (fault.latencyMs > 0) {
      await sleep(fault.latencyMs);
    }
    if (fault.status === 200) {
      return false;
    }
    const statusText = STATUS_CODES[fault.status] ?? '';
    if (fault.status === 429) {
      res.setHeader('Retry-After', '1');
    }
    const body = isOAuth
      ? { success: false, error: 'server_error', message: statusText }
      : faultBody(fault.status, statusText);
    sendJson(res, fault.status, body);

    return true;
  }
}

function readBearer(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);

  return match ? match[1] : null;
}

function setRateLimitHeaders(res: Response, limit: RateLimitResult): void {
  res.setHeader('x-ratelimit-limit', String(limit.limit));
  res.setHeader('x-ratelimit-remaining', String(limit.remaining));
  res.setHeader('x-ratelimit-reset', String(limit.resetSeconds));
}

export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).json(body);
}
