import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/admin-only.decorator';
import { ListWebhookEventsQuery } from './list-webhook-events.query';
import {
  type WebhookEventPage,
  WebhookEventsService,
} from './webhook-events.service';

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('admin/webhook-events')
export class WebhookEventsController {
  constructor(private readonly events: WebhookEventsService) {}

  @Get()
  @ApiOperation({ summary: 'List stored webhook events, newest first' })
  list(@Query() query: ListWebhookEventsQuery): Promise<WebhookEventPage> {
    return this.events.list(query);
  }
}
