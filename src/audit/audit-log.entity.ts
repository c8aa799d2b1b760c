import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
} from 'typeorm';
import { bigintAsNumber } from '../database/bigint-as-number.transformer';

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * One entry of the audit log: who did what to which installation or API
 * key, and whether it worked. Entries have no foreign keys, so they outlive
 * the installations and keys they name.
 */
/*
 * Indexes and constraints below are created by the hand-written migration;
 * they are declared here with `synchronize: false` so that
 * `migration:generate` neither drops nor rewrites them.
 */
@Entity('audit_log')
@Check('CHK_audit_log_outcome', `"outcome" IN ('success', 'failure')`)
@Index('IDX_audit_log_installation', { synchronize: false })
@Index('IDX_audit_log_action', { synchronize: false })
export class AuditLogEntry {
  /** Increasing with insertion order; the list is sorted by it. */
  @PrimaryColumn({
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    generated: 'identity',
    transformer: bigintAsNumber,
  })
  id: number;

  @CreateDateColumn({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  /** `admin`, `api_key` or `jwt`. */
  @Column({ name: 'actor_type', type: 'varchar', length: 16 })
  actorType: string;

  /** `admin`, the API key id, or `companyId:userId` for a JWT. */
  @Column({ name: 'actor_id', type: 'varchar', length: 64 })
  actorId: string;

  /** Dotted action name such as `installation.refresh`. */
  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'installation_id', type: 'uuid', nullable: true })
  installationId: string | null;

  @Column({
    name: 'company_id',
    type: 'bigint',
    nullable: true,
    transformer: bigintAsNumber,
  })
  companyId: number | null;

  /** The id of what the action changed when it is not an installation. */
  @Column({ name: 'target_id', type: 'varchar', length: 64, nullable: true })
  targetId: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome: AuditOutcome;

  /** The gateway error code of a failed action. */
  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode: string | null;

  /** Secret-free facts about the action, such as an API key's name. */
  @Column({ type: 'jsonb', nullable: true })
  detail: Record<string, unknown> | null;
}
