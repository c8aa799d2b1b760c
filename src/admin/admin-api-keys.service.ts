import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { ApiKey } from '../auth/api-key.entity';
import { ApiKeysService } from '../auth/api-keys.service';
import { type Caller } from '../auth/caller';
import { AuditAction } from '../audit/audit-actions';
import { AuditLogService } from '../audit/audit-log.service';
import { GatewayException } from '../common/errors/gateway.exception';
import {
  type ApiKeyView,
  type CreatedApiKeyView,
  toApiKeyView,
} from './admin-views';
import { runAudited } from './audited';
import { type CreateApiKeyBody } from './dto/create-api-key.body';
import { type PageQuery } from './dto/page.query';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  type Page,
  TIMESTAMP_PATTERN,
  timestampText,
  toPage,
  UUID_PATTERN,
} from './pagination';

/** Creates, lists and revokes service API keys, writing each change to the audit log. */
@Injectable()
export class AdminApiKeysService {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly apiKeys: ApiKeysService,
    private readonly audit: AuditLogService,
  ) {}

  async create(
    caller: Caller,
    body: CreateApiKeyBody,
  ): Promise<CreatedApiKeyView> {
    const name = body.name.trim();
    const companyIds = body.companyIds ? [...new Set(body.companyIds)] : null;
    const { record, key } = await this.apiKeys.create(name, companyIds);
    await this.audit.record({
      caller,
      action: AuditAction.apiKeyCreate,
      targetId: record.id,
      outcome: 'success',
      detail: { name, companyIds, keyPrefix: record.keyPrefix },
    });

    return { ...toApiKeyView(record), key };
  }

  /** Lists keys newest first, by (createdAt, id), revoked keys included. */
  async list(query: PageQuery): Promise<Page<ApiKeyView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const builder = this.keys
      .createQueryBuilder('key')
      .addSelect(timestampText('key.created_at'), 'position_at')
      .orderBy('key.createdAt', 'DESC')
      .addOrderBy('key.id', 'DESC')
      .limit(limit + 1);
    if (query.cursor !== undefined) {
      const [at, id] = decodeCursor(query.cursor, [
        TIMESTAMP_PATTERN,
        UUID_PATTERN,
      ]);
      builder.where(
        '(key.createdAt, key.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))',
        {
          at,
          id,
        },
      );
    }
    const { entities, raw } = await builder.getRawAndEntities<{
      position_at: string;
    }>();
    const rows = entities.map((entity, index) => ({
      entity,
      at: raw[index].position_at,
    }));

    return toPage(
      rows,
      limit,
      (row) => toApiKeyView(row.entity),
      (row) => [row.at, row.entity.id],
    );
  }

  /** Revokes a key. Revoking a revoked key again succeeds and changes nothing. */
  async revoke(caller: Caller, id: string): Promise<void> {
    const existing = await this.keys.findOneBy({ id });
    await runAudited(
      this.audit,
      {
        caller,
        action: AuditAction.apiKeyRevoke,
        targetId: id,
        detail: existing
          ? { name: existing.name, alreadyRevoked: existing.revokedAt !== null }
          : null,
      },
      async () => {
        if (!existing) {
          throw new GatewayException(
            404,
            'not_found',
            `API key ${id} does not exist`,
          );
        }
        await this.apiKeys.revoke(id);
      },
    );
  }
}
