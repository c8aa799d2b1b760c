import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PipedriveModule } from '../pipedrive/pipedrive.module';
import { WebhookEventRecord } from './webhook-event.entity';
import { WebhookEventsController } from './webhook-events.controller';
import { WebhookEventsService } from './webhook-events.service';
import { WebhookReceiverController } from './webhook-receiver.controller';
import { WebhookReceiverService } from './webhook-receiver.service';
import { WebhookSubscription } from './webhook-subscription.entity';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service';
import { WebhooksController } from './webhooks.controller';

/**
 * Webhook subscriptions made through the gateway, the receiver for
 * Pipedrive's deliveries, and the stored events.
 */
@Module({
  imports: [
    PipedriveModule,
    TypeOrmModule.forFeature([WebhookSubscription, WebhookEventRecord]),
  ],
  controllers: [
    WebhooksController,
    WebhookReceiverController,
    WebhookEventsController,
  ],
  providers: [
    WebhookSubscriptionsService,
    WebhookReceiverService,
    WebhookEventsService,
  ],
  exports: [WebhookSubscriptionsService, WebhookEventsService],
})
export class WebhooksModule {}
