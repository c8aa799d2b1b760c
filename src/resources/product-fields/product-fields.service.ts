import { Injectable } from '@nestjs/common';
import {
  PipedriveApiClient,
  type UpstreamResponse,
} from '../../pipedrive/pipedrive-api.client';
import { getJson, getRequest } from '../shared/list-request';
import { pageThrough, type PipedriveList } from '../shared/paging';
import { type TenantTarget, toTenantContext } from '../shared/tenant-target';
import { type ListProductFieldsQuery } from './list-product-fields.query';

/** A product field as Pipedrive returns it; unknown fields are kept. */
export interface ProductField {
  id: number;
  key: string;
  name: string;
  field_type: string;
  [field: string]: unknown;
}

const PATH = '/api/v1/productFields';
const PAGE_SIZE = 500;

/** Product fields of one company: `GET /api/v1/productFields`. */
@Injectable()
export class ProductFieldsService {
  constructor(private readonly client: PipedriveApiClient) {}

  /** Fetches one page; a non-2xx status raises `upstream_error`. */
  list(
    target: TenantTarget,
    query: ListProductFieldsQuery = {},
  ): Promise<PipedriveList<ProductField>> {
    return getJson(this.client, target, PATH, query);
  }

  /** Yields every product field, fetched page by page. */
  all(
    target: TenantTarget,
    query: ListProductFieldsQuery = {},
  ): AsyncGenerator<ProductField> {
    return pageThrough(
      (start) =>
        this.list(target, { ...query, start, limit: query.limit ?? PAGE_SIZE }),
      query.start ?? 0,
    );
  }

  /** Sends the request and returns the raw response, for the HTTP proxy to stream. */
  send(
    target: TenantTarget,
    query: ListProductFieldsQuery,
  ): Promise<UpstreamResponse> {
    return this.client.send(toTenantContext(target), getRequest(PATH, query));
  }
}
