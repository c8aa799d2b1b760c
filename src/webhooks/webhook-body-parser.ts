import { json, type RequestHandler } from 'express';
import { type GatewayMetrics } from '../metrics/gateway-metrics';
import { rejectDeepJson } from '../common/http/json-depth';

/**
 * Largest webhook body accepted, in bytes. NOTE: an estimate with a wide
 * margin over single-record payloads, not a limit Pipedrive documents.
 */
export const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * JSON parser for `/webhooks/pipedrive`, registered before the general
 * parsers: a smaller limit, any content type read as JSON, and bodies it
 * rejects (invalid JSON, too large) counted as rejected deliveries. The
 * general parsers then skip the already parsed body.
 */
export function webhookBodyParser(metrics: GatewayMetrics): RequestHandler {
  const parse = json({
    limit: WEBHOOK_BODY_LIMIT_BYTES,
    type: () => true,
    verify: (_request, _response, buffer) => rejectDeepJson(buffer),
  });

  return (request, response, next) => {
    parse(request, response, (error?: unknown) => {
      if (error) {
        metrics.webhookEvents.inc({ result: 'rejected' });
      }
      next(error);
    });
  };
}
