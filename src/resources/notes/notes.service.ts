import { Injectable } from '@nestjs/common';
import {
  PipedriveApiClient,
  type UpstreamResponse,
} from '../../pipedrive/pipedrive-api.client';
import { getJson, getRequest } from '../shared/list-request';
import { pageThrough, type PipedriveList } from '../shared/paging';
import { type TenantTarget, toTenantContext } from '../shared/tenant-target';
import { type ListNotesQuery } from './list-notes.query';

/** A note as Pipedrive returns it; unknown fields are kept as they are. */
export interface Note {
  id: number;
  content: string;
  [field: string]: unknown;
}

const PATH = '/api/v1/notes';
const PAGE_SIZE = 500;

/** Notes of one company: `GET /api/v1/notes`. */
@Injectable()
export class NotesService {
  constructor(private readonly client: PipedriveApiClient) {}

  /** Fetches one page; a non-2xx status raises `upstream_error`. */
  list(
    target: TenantTarget,
    query: ListNotesQuery = {},
  ): Promise<PipedriveList<Note>> {
    return getJson(this.client, target, PATH, query);
  }

  /** Yields every note matching the query, fetched page by page. */
  all(target: TenantTarget, query: ListNotesQuery = {}): AsyncGenerator<Note> {
    return pageThrough(
      (start) =>
        this.list(target, { ...query, start, limit: query.limit ?? PAGE_SIZE }),
      query.start ?? 0,
    );
  }

  /** Sends the request and returns the raw response, for the HTTP proxy to stream. */
  send(target: TenantTarget, query: ListNotesQuery): Promise<UpstreamResponse> {
    return this.client.send(toTenantContext(target), getRequest(PATH, query));
  }
}
