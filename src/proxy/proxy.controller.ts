import { All, Controller, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { type Response } from 'express';
import { type TenantContext } from '../auth/caller';
import { Tenant } from '../auth/tenant.decorator';
import { GatewayException } from '../common/errors/gateway.exception';
import { type RequestWithRawBody } from '../create-app';
import { PipedriveApiClient } from '../pipedrive/pipedrive-api.client';
import { forwardResponse } from './forward-response';
import { readProxiedTarget } from './proxy-path';

/** Request headers passed on to Pipedrive. The client adds authorization. */
const FORWARDED_REQUEST_HEADERS = [
  'content-type',
  'accept',
  'accept-encoding',
] as const;

/** Methods that Pipedrive's API uses. Others are rejected before sending. */
const FORWARDED_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
]);

/**
 * Passes any other Pipedrive v1 or v2 call through for a company: method,
 * raw query string and raw body go out as received, and the response streams
 * back unchanged. Registered after the resource modules, so their typed
 * routes (with validation) match first.
 */
@ApiTags('proxy')
@ApiBearerAuth()
@Controller('companies/:companyId/api')
export class ProxyController {
  constructor(private readonly client: PipedriveApiClient) {}

  @All(['v1/*path', 'v2/*path'])
  @ApiOperation({
    summary: 'Forward any Pipedrive API v1 or v2 request for the company',
  })
  @ApiParam({
    name: 'path',
    description: 'Pipedrive path after /api/v1/ or /api/v2/',
  })
  async forward(
    @Tenant() tenant: TenantContext,
    @Req() request: RequestWithRawBody,
    @Res() response: Response,
  ): Promise<void> {
    if (!FORWARDED_METHODS.has(request.method)) {
      const allowed = [...FORWARDED_METHODS].join(', ');
      throw new GatewayException(
        405,
        'method_not_allowed',
        `Method ${request.method} is not forwarded to Pipedrive; use one of ${allowed}`,
        { headers: { allow: allowed } },
      );
    }
    const target = readProxiedTarget(request.originalUrl);
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (value !== undefined) {
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
    }
    const upstream = await this.client.send(tenant, {
      method: request.method,
      path: target.path,
      query: target.query,
      headers,
      body: readRawBody(request),
    });
    await forwardResponse(response, upstream);
  }
}

/**
 * Returns the body bytes as received: the JSON and form parsers keep them in
 * `rawBody`, and the raw parser under /companies leaves a Buffer in `body`.
 */
function readRawBody(request: RequestWithRawBody): Buffer | undefined {
  if (request.rawBody) {
    return request.rawBody;
  }
  const body: unknown = request.body;

  return Buffer.isBuffer(body) && body.length > 0 ? body : undefined;
}
