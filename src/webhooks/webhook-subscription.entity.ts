import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { bigintAsNumber } from '../database/bigint-as-number.transformer';

/**
 * `active`: exists at Pipedrive. `deleted`: a caller deleted it.
 * `uninstalled`: Pipedrive removed it with the app's uninstall, so a
 * reinstall recreates it when the gateway manages it.
 */
export const SUBSCRIPTION_STATUSES = [
  'active',
  'deleted',
  'uninstalled',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/**
 * A webhook subscription made at Pipedrive through the gateway. Gateway
 * managed subscriptions deliver to the gateway's own receiver with Basic
 * credentials whose password is stored only as a SHA-256 hash.
 */
/*
 * Indexes and constraints below are created by the hand-written migration;
 * they are declared here with `synchronize: false` so that
 * `migration:generate` neither drops nor rewrites them.
 */
@Entity('webhook_subscriptions')
@Check(
  'CHK_webhook_subscriptions_status',
  `"status" IN ('active', 'deleted', 'uninstalled')`,
)
@Check('CHK_webhook_subscriptions_version', `"version" IN ('1.0', '2.0')`)
@Index('IDX_webhook_subscriptions_identity', { synchronize: false })
@Index('IDX_webhook_subscriptions_auth_user', { synchronize: false })
@Index('IDX_webhook_subscriptions_installation', { synchronize: false })
export class WebhookSubscription {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'company_id', type: 'bigint', transformer: bigintAsNumber })
  companyId: number;

  /** The installation whose token created the subscription at Pipedrive. */
  @Column({ name: 'installation_id', type: 'uuid' })
  installationId: string;

  @Column({
    name: 'pipedrive_webhook_id',
    type: 'bigint',
    transformer: bigintAsNumber,
  })
  pipedriveWebhookId: number;

  @Column({ name: 'subscription_url', type: 'text' })
  subscriptionUrl: string;

  @Column({ name: 'event_action', type: 'varchar', length: 16 })
  eventAction: string;

  @Column({ name: 'event_object', type: 'varchar', length: 32 })
  eventObject: string;

  @Column({ type: 'varchar', length: 3 })
  version: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** The `user_id` sent to Pipedrive (permission context), if any. */
  @Column({
    name: 'pipedrive_user_id',
    type: 'bigint',
    nullable: true,
    transformer: bigintAsNumber,
  })
  pipedriveUserId: number | null;

  @Column({ name: 'gateway_managed', type: 'boolean' })
  gatewayManaged: boolean;

  @Column({
    name: 'http_auth_user',
    type: 'varchar',
    length: 64,
    nullable: true,
  })
  httpAuthUser: string | null;

  @Column({
    name: 'http_auth_password_hash',
    type: 'char',
    length: 64,
    nullable: true,
    select: false,
  })
  httpAuthPasswordHash: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: SubscriptionStatus;

  /** Pipedrive's webhook record, without `http_auth_password`. */
  @Column({ name: 'pipedrive_record', type: 'jsonb' })
  pipedriveRecord: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
