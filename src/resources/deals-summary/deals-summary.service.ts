import { Injectable } from '@nestjs/common';
import {
  PipedriveApiClient,
  type UpstreamResponse,
} from '../../pipedrive/pipedrive-api.client';
import { getJson, getRequest } from '../shared/list-request';
import { type TenantTarget, toTenantContext } from '../shared/tenant-target';
import { type DealsSummaryQuery } from './deals-summary.query';

/** Pipedrive's deals summary; unknown fields are kept as they are. */
export interface DealsSummaryResponse {
  success: boolean;
  data: {
    total_count?: number;
    values_total?: Record<string, unknown>;
    weighted_values_total?: Record<string, unknown>;
    [field: string]: unknown;
  } | null;
}

const PATH = '/api/v1/deals/summary';

/** Deal totals of one company: `GET /api/v1/deals/summary` (not paged). */
@Injectable()
export class DealsSummaryService {
  constructor(private readonly client: PipedriveApiClient) {}

  /** Fetches the summary; a non-2xx status raises `upstream_error`. */
  list(
    target: TenantTarget,
    query: DealsSummaryQuery = {},
  ): Promise<DealsSummaryResponse> {
    return getJson(this.client, target, PATH, query);
  }

  /** Sends the request and returns the raw response, for the HTTP proxy to stream. */
  send(
    target: TenantTarget,
    query: DealsSummaryQuery,
  ): Promise<UpstreamResponse> {
    return this.client.send(toTenantContext(target), getRequest(PATH, query));
  }
}
