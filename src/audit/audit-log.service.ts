import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { type Caller, describeCaller } from '../auth/caller';
import { AuditLogEntry, type AuditOutcome } from './audit-log.entity';

export interface AuditRecord {
  caller: Caller;
  action: string;
  installationId?: string | null;
  companyId?: number | null;
  targetId?: string | null;
  outcome: AuditOutcome;
  /** The gateway error code, for a failed action. */
  errorCode?: string | null;
  /** Secret-free facts only: never a token, key or credential. */
  detail?: Record<string, unknown> | null;
}

export interface AuditQuery {
  limit: number;
  /** Returns entries with a smaller id than this one. */
  beforeId?: number;
  installationId?: string;
  action?: string;
}

/** Writes and reads the audit log. */
@Injectable()
export class AuditLogService {
  private readonly logger = new Logger(AuditLogService.name);

  constructor(
    @InjectRepository(AuditLogEntry)
    private readonly entries: Repository<AuditLogEntry>,
  ) {}

  /**
   * Appends an entry. A failed write is logged with the entry's fields and
   * not thrown, because the action it describes has already happened and
   * its caller must still learn the result.
   */
  async record(record: AuditRecord): Promise<void> {
    const { actorType, actorId } = describeCaller(record.caller);
    const entry = {
      actorType,
      actorId,
      action: record.action,
      installationId: record.installationId ?? null,
      companyId: record.companyId ?? null,
      targetId: record.targetId ?? null,
      outcome: record.outcome,
      errorCode: record.errorCode ?? null,
      detail: record.detail ?? null,
    };
    try {
      await this.entries.save(this.entries.create(entry));
    } catch (error) {
      this.logger.error(
        { err: error, audit: entry },
        'writing audit log entry failed',
      );
    }
  }

  /** Lists entries newest first. */
  list(query: AuditQuery): Promise<AuditLogEntry[]> {
    const builder = this.entries
      .createQueryBuilder('entry')
      .orderBy('entry.id', 'DESC')
      .limit(query.limit);
    if (query.beforeId !== undefined) {
      builder.andWhere('entry.id < :beforeId', { beforeId: query.beforeId });
    }
    if (query.installationId !== undefined) {
      builder.andWhere('entry.installationId = :installationId', {
        installationId: query.installationId,
      });
    }
    if (query.action !== undefined) {
      builder.andWhere('entry.action = :action', { action: query.action });
    }

    return builder.getMany();
  }
}
