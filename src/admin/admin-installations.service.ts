import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { type Caller } from '../auth/caller';
import { AuditAction } from '../audit/audit-actions';
import { AuditLogService } from '../audit/audit-log.service';
import { GatewayException } from '../common/errors/gateway.exception';
import { Installation } from '../installations/installation.entity';
import { installationGone } from '../installations/installation.errors';
import { InstallationsService } from '../installations/installations.service';
import { TokenRefresher } from '../installations/token-refresher.service';
import {
  type InstallationView,
  type RevokedInstallationView,
  toInstallationView,
} from './admin-views';
import { runAudited } from './audited';
import { type ListInstallationsQuery } from './dto/list-installations.query';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  type Page,
  TIMESTAMP_PATTERN,
  timestampText,
  toPage,
  UUID_PATTERN,
} from './pagination';

/** Lists installations for operators and runs their refresh, revoke and erase. */
@Injectable()
export class AdminInstallationsService {
  constructor(
    @InjectRepository(Installation)
    private readonly installations: Repository<Installation>,
    private readonly lifecycle: InstallationsService,
    private readonly refresher: TokenRefresher,
    private readonly audit: AuditLogService,
  ) {}

  /** Lists installations newest first, by (installedAt, id). */
  async list(query: ListInstallationsQuery): Promise<Page<InstallationView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const builder = this.installations
      .createQueryBuilder('installation')
      .addSelect(timestampText('installation.installed_at'), 'position_at')
      .orderBy('installation.installedAt', 'DESC')
      .addOrderBy('installation.id', 'DESC')
      .limit(limit + 1);
    if (query.cursor !== undefined) {
      const [at, id] = decodeCursor(query.cursor, [
        TIMESTAMP_PATTERN,
        UUID_PATTERN,
      ]);
      builder.andWhere(
        '(installation.installedAt, installation.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))',
        { at, id },
      );
    }
    if (query.status !== undefined) {
      builder.andWhere('installation.status = :status', {
        status: query.status,
      });
    }
    if (query.companyId !== undefined) {
      builder.andWhere('installation.companyId = :companyId', {
        companyId: query.companyId,
      });
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
      (row) => toInstallationView(row.entity),
      (row) => [row.at, row.entity.id],
    );
  }

  async get(id: string): Promise<InstallationView> {
    return toInstallationView(await this.findOrThrow(id));
  }

  /**
   * Refreshes the tokens now, whatever their expiry. A failed refresh
   * throws 409 `reauthorization_required` when Pipedrive no longer accepts
   * the grant, or the refresher's 503 `refresh_failed`.
   */
  async refresh(caller: Caller, id: string): Promise<InstallationView> {
    const before = await this.installations.findOneBy({ id });

    return runAudited(
      this.audit,
      {
        caller,
        action: AuditAction.installationRefresh,
        installationId: id,
        companyId: before?.companyId,
      },
      async () => {
        if (!before) {
          throw installationGone(id);
        }
        if (before.status === 'uninstalled' || before.status === 'revoked') {
          throw notActive(before);
        }
        try {
          await this.refresher.refresh(id, { kind: 'forced' });
        } catch (error) {
          if (
            error instanceof GatewayException &&
            error.code === 'reauthorization_required'
          ) {
            throw reauthorizationConflict(before);
          }
          throw error;
        }

        return this.get(id);
      },
    );
  }

  /**
   * Revokes the grant at Pipedrive and erases the tokens. The row stays,
   * with status `revoked`.
   */
  async revoke(caller: Caller, id: string): Promise<RevokedInstallationView> {
    const before = await this.installations.findOneBy({ id });

    return runAudited(
      this.audit,
      {
        caller,
        action: AuditAction.installationRevoke,
        installationId: id,
        companyId: before?.companyId,
      },
      async () => {
        const result = before ? await this.lifecycle.revoke(id) : null;
        if (!result) {
          throw installationGone(id);
        }

        return {
          ...(await this.get(id)),
          revokedAtPipedrive: result.revokedAtPipedrive,
        };
      },
      (view) => ({ revokedAtPipedrive: view.revokedAtPipedrive }),
    );
  }

  /** Deletes the installation and its tokens without telling Pipedrive. */
  async erase(caller: Caller, id: string): Promise<void> {
    const before = await this.installations.findOneBy({ id });
    await runAudited(
      this.audit,
      {
        caller,
        action: AuditAction.installationErase,
        installationId: id,
        companyId: before?.companyId,
        detail: before
          ? { userId: before.userId, status: before.status }
          : null,
      },
      async () => {
        if (!before || !(await this.lifecycle.erase(id))) {
          throw installationGone(id);
        }
      },
    );
  }

  private async findOrThrow(id: string): Promise<Installation> {
    const row = await this.installations.findOneBy({ id });
    if (!row) {
      throw installationGone(id);
    }

    return row;
  }
}

function notActive(installation: Installation): GatewayException {
  return new GatewayException(
    409,
    'installation_not_active',
    `Installation ${installation.id} is ${installation.status}, so it has no tokens to refresh; the user must install the app again`,
  );
}

/**
 * The admin form of `reauthorization_required`. Tenant routes return it as
 * 401, but on an admin route a 401 would read as a rejected admin key.
 */
function reauthorizationConflict(installation: Installation): GatewayException {
  return new GatewayException(
    409,
    'reauthorization_required',
    `Pipedrive no longer accepts the grant of installation ${installation.id} (user ${installation.userId} in company ${installation.companyId}), so its tokens cannot be refreshed. The user must install the app again.`,
  );
}
