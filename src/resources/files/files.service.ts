import { Injectable } from '@nestjs/common';
import {
  PipedriveApiClient,
  type UpstreamResponse,
} from '../../pipedrive/pipedrive-api.client';
import { getJson, getRequest } from '../shared/list-request';
import { pageThrough, type PipedriveList } from '../shared/paging';
import { type TenantTarget, toTenantContext } from '../shared/tenant-target';
import { FILES_MAX_LIMIT, type ListFilesQuery } from './list-files.query';

/** A file's metadata as Pipedrive returns it; unknown fields are kept. */
export interface PipedriveFile {
  id: number;
  name: string;
  [field: string]: unknown;
}

const PATH = '/api/v1/files';

/** File metadata of one company: `GET /api/v1/files`. */
@Injectable()
export class FilesService {
  constructor(private readonly client: PipedriveApiClient) {}

  /** Fetches one page; a non-2xx status raises `upstream_error`. */
  list(
    target: TenantTarget,
    query: ListFilesQuery = {},
  ): Promise<PipedriveList<PipedriveFile>> {
    return getJson(this.client, target, PATH, query);
  }

  /** Yields every file matching the query, 100 per page at most. */
  all(
    target: TenantTarget,
    query: ListFilesQuery = {},
  ): AsyncGenerator<PipedriveFile> {
    return pageThrough(
      (start) =>
        this.list(target, {
          ...query,
          start,
          limit: query.limit ?? FILES_MAX_LIMIT,
        }),
      query.start ?? 0,
    );
  }

  /** Sends the request and returns the raw response, for the HTTP proxy to stream. */
  send(target: TenantTarget, query: ListFilesQuery): Promise<UpstreamResponse> {
    return this.client.send(toTenantContext(target), getRequest(PATH, query));
  }
}
