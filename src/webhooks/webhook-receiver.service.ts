import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { GatewayException } from '../common/errors/gateway.exception';
import { constantTimeEquals, sha256Hex } from '../crypto/secret-hash';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import {
  PIPEDRIVE_WEBHOOK_EVENT,
  pipedriveEventName,
  type PipedriveWebhookEvent,
} from './pipedrive-webhook-event';
import {
  parseWebhookPayload,
  type ParsedWebhookPayload,
} from './webhook-payload';
import { WebhookSubscription } from './webhook-subscription.entity';

/** Compared against when the user is unknown, so both paths hash and compare. */
const UNKNOWN_USER_HASH = sha256Hex('unknown webhook user');

export interface ReceiveResult {
  eventId: string;
  duplicate: boolean;
}

/**
 * Checks and stores deliveries to `POST /webhooks/pipedrive/:companyId`,
 * then emits each new event in process after the response is under way.
 */
@Injectable()
export class WebhookReceiverService {
  private readonly logger = new Logger(WebhookReceiverService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: GatewayMetrics,
    private readonly events: EventEmitter2,
  ) {}

  /**
   * Authenticates, parses and stores one delivery. Throws 401 for missing
   * or wrong credentials, 400 for an invalid payload and 403 when
   * `meta.company_id` is another company.
   */
  async receive(
    companyId: number,
    authorization: string | undefined,
    body: unknown,
  ): Promise<ReceiveResult> {
    try {
      const subscription = await this.authenticate(companyId, authorization);
      const payload = parseWebhookPayload(body);
      if (payload.companyId !== companyId) {
        throw new GatewayException(
          403,
          'company_forbidden',
          `meta.company_id ${payload.companyId} does not match company ${companyId} in the path`,
        );
      }

      return await this.store(companyId, subscription, payload);
    } catch (error) {
      if (error instanceof GatewayException) {
        this.metrics.webhookEvents.inc({ result: 'rejected' });
        this.logger.warn(
          { companyId, status: error.getStatus(), reason: error.message },
          'webhook delivery rejected',
        );
      }
      throw error;
    }
  }

  private async authenticate(
    companyId: number,
    authorization: string | undefined,
  ): Promise<WebhookSubscription> {
    const credentials = parseBasic(authorization);
    if (!credentials) {
      throw unauthorized('Missing or malformed HTTP Basic credentials');
    }
    const subscription = await this.dataSource
      .getRepository(WebhookSubscription)
      .createQueryBuilder('subscription')
      .addSelect('subscription.httpAuthPasswordHash')
      .where(
        'subscription.companyId = :companyId AND subscription.httpAuthUser = :user AND subscription.status = :status',
        { companyId, user: credentials.user, status: 'active' },
      )
      .getOne();
    const matches = constantTimeEquals(
      sha256Hex(credentials.password),
      subscription?.httpAuthPasswordHash ?? UNKNOWN_USER_HASH,
    );
    if (!subscription || !matches) {
      throw unauthorized(
        `The HTTP Basic credentials match no active webhook subscription of company ${companyId}`,
      );
    }

    return subscription;
  }

  private async store(
    companyId: number,
    subscription: WebhookSubscription,
    payload: ParsedWebhookPayload,
  ): Promise<ReceiveResult> {
    const receivedAt = new Date();
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO webhook_events
         (company_id, event_id, subscription_id, pipedrive_webhook_id, version,
          object, action, entity_id, occurred_at, attempt, payload, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (company_id, event_id) DO NOTHING
       RETURNING id`,
      [
        companyId,
        payload.eventId,
        subscription.id,
        payload.webhookId,
        payload.version,
        payload.object,
        payload.action,
        payload.entityId,
        payload.occurredAt,
        payload.attempt,
        JSON.stringify({ ...payloadBody(payload) }),
        receivedAt,
      ],
    );
    if (rows.length === 0) {
      this.metrics.webhookEvents.inc({ result: 'duplicate' });
      this.logger.log(
        { companyId, eventId: payload.eventId, attempt: payload.attempt },
        'webhook event already stored, so the delivery is acknowledged without storing it again',
      );

      return { eventId: payload.eventId, duplicate: true };
    }
    this.metrics.webhookEvents.inc({ result: 'stored' });
    const event: PipedriveWebhookEvent = {
      id: rows[0].id,
      eventId: payload.eventId,
      companyId,
      version: payload.version,
      object: payload.object,
      action: payload.action,
      entityId: payload.entityId,
      userId: payload.userId,
      occurredAt: payload.occurredAt,
      receivedAt,
      data: payload.data,
      previous: payload.previous,
      meta: payload.meta,
    };
    // Listeners run after the response is sent, so slow app code never
    // delays the acknowledgement Pipedrive waits for.
    setImmediate(() => this.emit(event));

    return { eventId: payload.eventId, duplicate: false };
  }

  private emit(event: PipedriveWebhookEvent): void {
    const names = [
      pipedriveEventName(event.object, event.action),
      PIPEDRIVE_WEBHOOK_EVENT,
    ];
    for (const name of names) {
      this.events.emitAsync(name, event).catch((error: unknown) => {
        this.logger.error(
          {
            event: name,
            eventId: event.eventId,
            companyId: event.companyId,
            err: error,
          },
          'webhook event listener failed',
        );
      });
    }
  }
}

function payloadBody(payload: ParsedWebhookPayload): Record<string, unknown> {
  return { meta: payload.meta, data: payload.data, previous: payload.previous };
}

function parseBasic(
  header: string | undefined,
): { user: string; password: string } | null {
  const match = /^Basic ([A-Za-z0-9+/=]{1,1024})$/.exec(header ?? '');
  if (!match) {
    return null;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    return null;
  }

  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function unauthorized(message: string): GatewayException {
  return new GatewayException(401, 'unauthorized', message, {
    headers: { 'www-authenticate': 'Basic realm="pipedrive-webhooks"' },
  });
}
