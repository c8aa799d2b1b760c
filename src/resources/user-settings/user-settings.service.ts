import { Injectable } from '@nestjs/common';
import {
  PipedriveApiClient,
  type UpstreamResponse,
} from '../../pipedrive/pipedrive-api.client';
import { getJson, getRequest } from '../shared/list-request';
import { type TenantTarget, toTenantContext } from '../shared/tenant-target';

/** The settings of the installation's user; unknown fields are kept. */
export interface UserSettingsResponse {
  success: boolean;
  data: Record<string, unknown> | null;
}

const PATH = '/api/v1/userSettings';

/**
 * Settings of the user whose installation serves the call:
 * `GET /api/v1/userSettings`, which takes no parameters.
 */
@Injectable()
export class UserSettingsService {
  constructor(private readonly client: PipedriveApiClient) {}

  /** Fetches the settings; a non-2xx status raises `upstream_error`. */
  list(target: TenantTarget): Promise<UserSettingsResponse> {
    return getJson(this.client, target, PATH);
  }

  /** Sends the request and returns the raw response, for the HTTP proxy to stream. */
  send(target: TenantTarget): Promise<UpstreamResponse> {
    return this.client.send(toTenantContext(target), getRequest(PATH));
  }
}
