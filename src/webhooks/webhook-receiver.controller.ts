import {
  Body,
  Controller,
  Headers,
  HttpCode,
  Param,
  Post,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseCompanyId } from '../auth/caller-auth.guard';
import { Public } from '../auth/public.decorator';
import {
  WebhookReceiverService,
  type ReceiveResult,
} from './webhook-receiver.service';

/**
 * Receives Pipedrive's deliveries for the gateway's own subscriptions.
 * Public for the bearer guard, because Pipedrive authenticates with the
 * subscription's HTTP Basic credentials, which the service checks.
 */
@ApiTags('webhooks')
@Controller('webhooks/pipedrive')
export class WebhookReceiverController {
  constructor(private readonly receiver: WebhookReceiverService) {}

  @Post(':companyId')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Receive a Pipedrive webhook delivery (HTTP Basic)',
  })
  async receive(
    @Param('companyId') companyParam: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
  ): Promise<{ success: true; data: ReceiveResult }> {
    const companyId = parseCompanyId(companyParam);
    const result = await this.receiver.receive(companyId, authorization, body);

    return { success: true, data: result };
  }
}
