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

export const INSTALLATION_STATUSES = [
  'active',
  'reauthorization_required',
  'uninstalled',
  'revoked',
] as const;
export type InstallationStatus = (typeof INSTALLATION_STATUSES)[number];

export type RefreshOutcome =
  | 'refreshed'
  | 'invalid_grant'
  | 'invalid_client'
  | 'failed'
  | 'api_domain_refused';
/**
 * One Pipedrive user's install of the app in one company. Tokens are stored
 * only encrypted, and are not selected unless a query requests them.
 */
/*
 * Indexes and constraints below are created by the hand-written migration;
 * they are declared here with `synchronize: false` so that
 * `migration:generate` neither drops nor rewrites them.
 */
@Entity('installations')
@Check(
  'CHK_installations_status',
  `"status" IN ('active', 'reauthorization_required', 'uninstalled', 'revoked')`,
)
@Index('IDX_installations_company_user', { synchronize: false })
@Index('IDX_installations_status', { synchronize: false })
export class Installation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'company_id', type: 'bigint', transformer: bigintAsNumber })
  companyId: number;

  @Column({ name: 'user_id', type: 'bigint', transformer: bigintAsNumber })
  userId: number;

  @Column({
    name: 'company_name',
    type: 'varchar',
    length: 255,
    nullable: true,
  })
  companyName: string | null;

  @Column({
    name: 'company_domain',
    type: 'varchar',
    length: 255,
    nullable: true,
  })
  companyDomain: string | null;

  @Column({ name: 'user_name', type: 'varchar', length: 255, nullable: true })
  userName: string | null;

  @Column({ name: 'user_is_admin', type: 'boolean', default: false })
  userIsAdmin: boolean;

  @Column({ type: 'varchar', length: 32 })
  status: InstallationStatus;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  scopes: string[];

  @Column({ name: 'api_domain', type: 'varchar', length: 255 })
  apiDomain: string;

  @Column({
    name: 'access_token_ciphertext',
    type: 'text',
    nullable: true,
    select: false,
  })
  accessTokenCiphertext: string | null;

  @Column({
    name: 'refresh_token_ciphertext',
    type: 'text',
    nullable: true,
    select: false,
  })
  refreshTokenCiphertext: string | null;

  @Column({ name: 'token_key_id', type: 'varchar', length: 32, nullable: true })
  tokenKeyId: string | null;

  /** Increases whenever the tokens or the status change; caches compare it. */
  @Column({ type: 'integer', default: 0 })
  revision: number;

  @Column({
    name: 'access_token_expires_at',
    type: 'timestamptz',
    nullable: true,
  })
  accessTokenExpiresAt: Date | null;

  @CreateDateColumn({ name: 'installed_at', type: 'timestamptz' })
  installedAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** Last time the refresh token was used: at install or at a refresh. */
  @Column({
    name: 'refresh_token_used_at',
    type: 'timestamptz',
    nullable: true,
  })
  refreshTokenUsedAt: Date | null;

  @Column({ name: 'last_refresh_at', type: 'timestamptz', nullable: true })
  lastRefreshAt: Date | null;

  @Column({
    name: 'last_refresh_outcome',
    type: 'varchar',
    length: 32,
    nullable: true,
  })
  lastRefreshOutcome: RefreshOutcome | null;

  @Column({ name: 'consecutive_refresh_failures', type: 'integer', default: 0 })
  consecutiveRefreshFailures: number;

  /** Set when revoking at Pipedrive failed; a background job retries. */
  @Column({ name: 'revocation_pending', type: 'boolean', default: false })
  revocationPending: boolean;
}
