import {
  Body,
  Controller,
  Delete,
  Get,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { type TenantContext } from '../auth/caller';
import { Tenant } from '../auth/tenant.decorator';
import { GatewayException } from '../common/errors/gateway.exception';
import { CreateWebhookBody } from './create-webhook.dto';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service';
import { NoQueryParametersPipe } from '../common/validation/no-query-parameters.pipe';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('companies/:companyId/api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly subscriptions: WebhookSubscriptionsService) {}

  @Post()
  @ApiOperation({
    summary:
      'Subscribe to webhooks (Pipedrive POST /api/v1/webhooks); without subscription_url the gateway subscribes its own receiver',
  })
  async create(
    @Tenant() tenant: TenantContext,
    @Body() body: CreateWebhookBody,
    @Res() response: Response,
  ): Promise<void> {
    const upstream = await this.subscriptions.create(tenant, body);
    response.status(upstream.status).json(upstream.body);
  }

  @Get()
  @ApiOperation({
    summary: "List the company's webhooks (Pipedrive GET /api/v1/webhooks)",
  })
  async list(
    @Tenant() tenant: TenantContext,
    @Query(NoQueryParametersPipe) _query: Record<string, never>,
    @Res() response: Response,
  ): Promise<void> {
    const upstream = await this.subscriptions.list(tenant);
    response.status(upstream.status).json(upstream.body);
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Delete a webhook (Pipedrive DELETE /api/v1/webhooks/{id})',
  })
  async remove(
    @Tenant() tenant: TenantContext,
    @Param('id') id: string,
    @Query(NoQueryParametersPipe) _query: Record<string, never>,
    @Res() response: Response,
  ): Promise<void> {
    const upstream = await this.subscriptions.remove(
      tenant,
      parseWebhookId(id),
    );
    response.status(upstream.status).json(upstream.body);
  }
}

function parseWebhookId(value: string): number {
  const id = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) {
    const message = 'id must be a positive integer';
    throw new GatewayException(400, 'validation_failed', message, {
      fields: [{ field: 'id', rule: 'isPositiveInt', message }],
    });
  }

  return id;
}
