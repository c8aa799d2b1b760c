import { GatewayException } from '../../common/errors/gateway.exception';
import {
  type PipedriveApiClient,
  type UpstreamRequest,
} from '../../pipedrive/pipedrive-api.client';
import { toQueryString } from './paging';
import { type TenantTarget, toTenantContext } from './tenant-target';

/** A `GET` of a Pipedrive v1 path with a validated query DTO. */
export function getRequest(path: string, query: object = {}): UpstreamRequest {
  return { method: 'GET', path, query: toQueryString(query) };
}

/**
 * Sends a `GET` and parses the JSON body. A status other than 2xx raises a
 * 502 `upstream_error` carrying Pipedrive's status and error text, so that
 * in-process callers (and `all()` iterators) never mistake an error for an
 * empty page.
 */
export async function getJson<T>(
  client: PipedriveApiClient,
  target: TenantTarget,
  path: string,
  query: object = {},
): Promise<T> {
  const { status, body } = await client.json<T>(
    toTenantContext(target),
    getRequest(path, query),
  );
  if (status < 200 || status >= 300) {
    const error = (body as { error?: unknown } | null)?.error;
    const detail = typeof error === 'string' ? `: ${error}` : '';

    throw new GatewayException(
      502,
      'upstream_error',
      `Pipedrive returned ${status} for GET ${path}${detail}`,
    );
  }

  return body;
}
