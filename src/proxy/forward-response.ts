import { pipeline } from 'node:stream/promises';
import { type Response } from 'express';
import { type UpstreamResponse } from '../pipedrive/pipedrive-api.client';

/** Response headers passed from Pipedrive to the gateway's caller. */
const FORWARDED_HEADERS = [
  'content-type',
  'content-encoding',
  'content-disposition',
  'cache-control',
  'etag',
  'last-modified',
  'retry-after',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'x-daily-requests-left',
];

/**
 * Streams Pipedrive's answer to the caller byte for byte with its status
 * code, without buffering the body.
 */
export async function forwardResponse(
  response: Response,
  upstream: UpstreamResponse,
): Promise<void> {
  response.status(upstream.status);
  for (const name of FORWARDED_HEADERS) {
    const value = upstream.headers[name];
    if (value !== undefined) {
      response.setHeader(name, value);
    }
  }
  const length = upstream.headers['content-length'];
  if (length !== undefined && !upstream.headers['content-encoding']) {
    response.setHeader('content-length', length);
  }
  await pipeline(upstream.body, response);
}
