import { Injectable } from '@nestjs/common';
import {
  PipedriveApiClient,
  type UpstreamResponse,
} from '../../pipedrive/pipedrive-api.client';
import { getJson, getRequest } from '../shared/list-request';
import { pageThrough, type PipedriveList } from '../shared/paging';
import { type TenantTarget, toTenantContext } from '../shared/tenant-target';
import {
  type ListArchivedLeadsQuery,
  type ListLeadsQuery,
} from './list-leads.query';

/** A lead as Pipedrive returns it; unknown fields are kept as they are. */
export interface Lead {
  id: string;
  title: string;
  value: { amount: number; currency: string } | null;
  [field: string]: unknown;
}

const PAGE_SIZE = 500;

/** Leads of one company: `GET /api/v1/leads` and `GET /api/v1/leads/archived`. */
@Injectable()
export class LeadsService {
  constructor(private readonly client: PipedriveApiClient) {}

  /** Fetches one page; a non-2xx status raises `upstream_error`. */
  list(
    target: TenantTarget,
    query: ListLeadsQuery = {},
  ): Promise<PipedriveList<Lead>> {
    return getJson(this.client, target, '/api/v1/leads', query);
  }

  /** Fetches one page of archived leads; a non-2xx status raises `upstream_error`. */
  listArchived(
    target: TenantTarget,
    query: ListArchivedLeadsQuery = {},
  ): Promise<PipedriveList<Lead>> {
    return getJson(this.client, target, '/api/v1/leads/archived', query);
  }

  /** Yields every lead matching the query, fetched page by page. */
  all(target: TenantTarget, query: ListLeadsQuery = {}): AsyncGenerator<Lead> {
    return pageThrough(
      (start) =>
        this.list(target, { ...query, start, limit: query.limit ?? PAGE_SIZE }),
      query.start ?? 0,
    );
  }

  allArchived(
    target: TenantTarget,
    query: ListArchivedLeadsQuery = {},
  ): AsyncGenerator<Lead> {
    return pageThrough(
      (start) =>
        this.listArchived(target, {
          ...query,
          start,
          limit: query.limit ?? PAGE_SIZE,
        }),
      query.start ?? 0,
    );
  }

  /** Returns the raw response, for the HTTP proxy to stream. */
  send(
    target: TenantTarget,
    query: ListLeadsQuery,
    archived = false,
  ): Promise<UpstreamResponse> {
    const path = archived ? '/api/v1/leads/archived' : '/api/v1/leads';

    return this.client.send(toTenantContext(target), getRequest(path, query));
  }
}
