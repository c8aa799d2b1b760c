import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { actingUserId, type TenantContext } from '../auth/caller';
import { TokenCipher } from '../crypto/token-cipher';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { Installation } from './installation.entity';
import { InstallationCache } from './installation-cache';
import {
  type InstallationSnapshot,
  TOKEN_COLUMNS,
  toSnapshot,
} from './installation-snapshot';
import {
  companyNotInstalled,
  errorForStatus,
  installationNotFound,
} from './installation.errors';

/**
 * Picks the installation whose token serves a request: the JWT's user, else
 * the user named by `X-Pipedrive-User-Id`, else the company's default
 * installation. The default is the active installation of an admin user
 * installed first, else of any user installed first.
 */
@Injectable()
export class TenantResolver {
  constructor(
    @InjectRepository(Installation)
    private readonly installations: Repository<Installation>,
    private readonly cipher: TokenCipher,
    private readonly cache: InstallationCache,
    private readonly metrics: GatewayMetrics,
  ) {}

  async resolve(context: TenantContext): Promise<InstallationSnapshot> {
    const userId = actingUserId(context);
    const cached = this.cache.get(context.companyId, userId);
    if (cached) {
      return this.usable(cached);
    }
    const snapshot =
      userId === null
        ? await this.loadDefault(context.companyId)
        : await this.loadForUser(context.companyId, userId);
    this.cache.set(userId, snapshot);
    this.metrics.cachedInstallations.set(this.cache.size);

    return this.usable(snapshot);
  }

  private usable(snapshot: InstallationSnapshot): InstallationSnapshot {
    if (snapshot.status !== 'active') {
      throw errorForStatus(
        snapshot.status,
        snapshot.companyId,
        snapshot.userId,
      );
    }

    return snapshot;
  }

  private async loadForUser(
    companyId: number,
    userId: number,
  ): Promise<InstallationSnapshot> {
    const installation = await this.installations
      .createQueryBuilder('installation')
      .addSelect([...TOKEN_COLUMNS])
      .where(
        'installation.companyId = :companyId AND installation.userId = :userId',
        {
          companyId,
          userId,
        },
      )
      .getOne();
    if (!installation) {
      throw installationNotFound(companyId, userId);
    }

    return toSnapshot(installation, this.cipher);
  }

  private async loadDefault(companyId: number): Promise<InstallationSnapshot> {
    const installation = await this.installations
      .createQueryBuilder('installation')
      .addSelect([...TOKEN_COLUMNS])
      .where('installation.companyId = :companyId', { companyId })
      .andWhere("installation.status IN ('active', 'reauthorization_required')")
      .orderBy(
        "CASE WHEN installation.status = 'active' THEN 0 ELSE 1 END",
        'ASC',
      )
      .addOrderBy('installation.userIsAdmin', 'DESC')
      .addOrderBy('installation.installedAt', 'ASC')
      .getOne();
    if (!installation) {
      throw companyNotInstalled(companyId);
    }

    return toSnapshot(installation, this.cipher);
  }
}
