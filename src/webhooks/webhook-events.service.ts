import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { GatewayException } from '../common/errors/gateway.exception';
import { WebhookEventRecord } from './webhook-event.entity';

/** A stored webhook event as the admin API returns it (camelCase). */
export interface WebhookEventView {
  id: string;
  companyId: number;
  eventId: string;
  subscriptionId: string | null;
  pipedriveWebhookId: number | null;
  version: string;
  object: string;
  action: string;
  entityId: string | null;
  occurredAt: string | null;
  attempt: number | null;
  receivedAt: string;
  payload: Record<string, unknown>;
}

export interface WebhookEventPage {
  data: WebhookEventView[];
  nextCursor: string | null;
}

export const DEFAULT_EVENTS_LIMIT = 50;

/** Reads stored webhook events, newest first. */
@Injectable()
export class WebhookEventsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(options: {
    companyId?: number;
    limit?: number;
    cursor?: string;
  }): Promise<WebhookEventPage> {
    const limit = options.limit ?? DEFAULT_EVENTS_LIMIT;
    const query = this.dataSource
      .getRepository(WebhookEventRecord)
      .createQueryBuilder('event')
      .orderBy('event.receivedAt', 'DESC')
      .addOrderBy('event.id', 'DESC')
      .take(limit + 1);
    if (options.companyId !== undefined) {
      query.andWhere('event.companyId = :companyId', {
        companyId: options.companyId,
      });
    }
    if (options.cursor !== undefined) {
      const after = decodeCursor(options.cursor);
      query.andWhere(
        '(event.receivedAt, event.id) < (:receivedAt, :id)',
        after,
      );
    }
    const rows = await query.getMany();
    const page = rows.slice(0, limit);
    const last = page.at(-1);

    return {
      data: page.map(toView),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(last.receivedAt, last.id)
          : null,
    };
  }
}

function toView(row: WebhookEventRecord): WebhookEventView {
  return {
    id: row.id,
    companyId: row.companyId,
    eventId: row.eventId,
    subscriptionId: row.subscriptionId,
    pipedriveWebhookId: row.pipedriveWebhookId,
    version: row.version,
    object: row.object,
    action: row.action,
    entityId: row.entityId,
    occurredAt: row.occurredAt?.toISOString() ?? null,
    attempt: row.attempt,
    receivedAt: row.receivedAt.toISOString(),
    payload: row.payload,
  };
}

// Receive times are written from JavaScript Dates, so millisecond ISO text
// in the cursor compares exactly with the stored values.
function encodeCursor(receivedAt: Date, id: string): string {
  return Buffer.from(`${receivedAt.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { receivedAt: Date; id: string } {
  const [time, id] = Buffer.from(cursor, 'base64url')
    .toString('utf8')
    .split('|');
  const receivedAt = new Date(time ?? '');
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  if (Number.isNaN(receivedAt.getTime()) || !uuid.test(id ?? '')) {
    throw new GatewayException(
      400,
      'validation_failed',
      'cursor must be the nextCursor of a previous page',
      {
        fields: [
          {
            field: 'cursor',
            rule: 'isCursor',
            message: 'cursor must be the nextCursor of a previous page',
          },
        ],
      },
    );
  }

  return { receivedAt, id };
}
