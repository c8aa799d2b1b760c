import { Injectable, type NestMiddleware } from '@nestjs/common';
import { type NextFunction, type Request, type Response } from 'express';
import { GatewayMetrics } from './gateway-metrics';

const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
]);

/**
 * Counts every response by method, route pattern and status once it is
 * sent. A middleware rather than an interceptor, so requests rejected by a
 * guard and requests that match no route are counted too. The route label
 * is the Express route path that Nest registered (such as
 * `/companies/:companyId/api/v1/leads`), never the raw URL, and
 * `unmatched` when no route handled the request.
 */
@Injectable()
export class RequestCounterMiddleware implements NestMiddleware {
  constructor(private readonly metrics: GatewayMetrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    // Nest mounts module middleware as a catch-all Express route, so the
    // route seen here is this middleware's own. A controller route that
    // matches later replaces it.
    const middlewareRoute: unknown = request.route;
    response.once('close', () => {
      const matched: unknown = request.route;
      const route =
        matched === middlewareRoute
          ? undefined
          : (matched as { path?: unknown } | undefined)?.path;
      this.metrics.httpRequests.inc({
        method: KNOWN_METHODS.has(request.method) ? request.method : 'other',
        route: typeof route === 'string' ? route : 'unmatched',
        status: response.writableFinished
          ? String(response.statusCode)
          : 'aborted',
      });
    });
    next();
  }
}
