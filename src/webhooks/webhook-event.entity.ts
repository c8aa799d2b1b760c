import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { bigintAsNumber } from '../database/bigint-as-number.transformer';

/** One webhook delivery from Pipedrive, stored once per event id. */
/*
 * Indexes and constraints below are created by the hand-written migration;
 * they are declared here with `synchronize: false` so that
 * `migration:generate` neither drops nor rewrites them.
 */
@Entity('webhook_events')
@Unique('UQ_webhook_events_company_event', ['companyId', 'eventId'])
@Index('IDX_webhook_events_received', { synchronize: false })
@Index('IDX_webhook_events_company_received', { synchronize: false })
export class WebhookEventRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'company_id', type: 'bigint', transformer: bigintAsNumber })
  companyId: number;

  /** `meta.id` for version 2.0; a SHA-256 of identifying meta fields for 1.0. */
  @Column({ name: 'event_id', type: 'varchar', length: 128 })
  eventId: string;

  @Column({ name: 'subscription_id', type: 'uuid', nullable: true })
  subscriptionId: string | null;

  @Column({
    name: 'pipedrive_webhook_id',
    type: 'bigint',
    nullable: true,
    transformer: bigintAsNumber,
  })
  pipedriveWebhookId: number | null;

  @Column({ type: 'varchar', length: 3 })
  version: string;

  @Column({ type: 'varchar', length: 32 })
  object: string;

  @Column({ type: 'varchar', length: 16 })
  action: string;

  @Column({ name: 'entity_id', type: 'varchar', length: 64, nullable: true })
  entityId: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz', nullable: true })
  occurredAt: Date | null;

  /** Delivery attempt of the stored copy, counted from 1. */
  @Column({ type: 'integer', nullable: true })
  attempt: number | null;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;
}
