import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager } from 'typeorm';
import { TokenCipher } from '../crypto/token-cipher';
import {
  PipedriveOAuthClient,
  type TokenGrant,
} from '../pipedrive/pipedrive-oauth.client';
import { Installation, type InstallationStatus } from './installation.entity';
import { InstallationNotifier } from './installation-notifier';
import { refreshTokenContext, TOKEN_COLUMNS } from './installation-snapshot';
import { TokenRefresher } from './token-refresher.service';

/** The installing user, as `GET /api/v1/users/me` returns it. */
export interface InstallerProfile {
  companyId: number;
  userId: number;
  companyName: string | null;
  companyDomain: string | null;
  userName: string | null;
  isAdmin: boolean;
}

/** Emitted after an install or reinstall is stored. */
export const INSTALLATION_ACTIVATED = 'installation.activated';
export interface InstallationActivatedEvent {
  installationId: string;
  companyId: number;
  userId: number;
  reinstall: boolean;
}

/** Emitted after an installation stops being usable (uninstall, revoke, erase). */
export const INSTALLATION_DEACTIVATED = 'installation.deactivated';
export interface InstallationDeactivatedEvent {
  installationId: string;
  companyId: number;
  userId: number;
  status: InstallationStatus | 'erased';
}

/**
 * Stores installs and changes their lifecycle: install and reinstall,
 * Pipedrive's uninstall notice, revocation and erasure.
 */
@Injectable()
export class InstallationsService {
  private readonly logger = new Logger(InstallationsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: TokenCipher,
    private readonly refresher: TokenRefresher,
    private readonly notifier: InstallationNotifier,
    private readonly oauth: PipedriveOAuthClient,
    private readonly events: EventEmitter2,
  ) {}

  /**
   * Stores a grant for (company, user): a new installation, or the same row
   * made active again with the new tokens on a reinstall.
   */
  async recordInstall(
    grant: TokenGrant,
    profile: InstallerProfile,
  ): Promise<Installation> {
    const { installation, reinstall } = await this.dataSource.transaction(
      async (manager) => {
        await manager.query(
          `INSERT INTO installations (id, company_id, user_id, status, api_domain)
         VALUES ($1, $2, $3, 'active', $4)
         ON CONFLICT (company_id, user_id) DO NOTHING`,
          [randomUUID(), profile.companyId, profile.userId, grant.apiDomain],
        );
        const row = await manager
          .getRepository(Installation)
          .createQueryBuilder('installation')
          .where(
            'installation.companyId = :companyId AND installation.userId = :userId',
            {
              companyId: profile.companyId,
              userId: profile.userId,
            },
          )
          .setLock('pessimistic_write')
          .getOneOrFail();
        const existed = row.tokenKeyId !== null || row.revision > 0;
        row.companyName = profile.companyName;
        row.companyDomain = profile.companyDomain;
        row.userName = profile.userName;
        row.userIsAdmin = profile.isAdmin;
        row.status = 'active';
        row.apiDomain = grant.apiDomain;
        row.scopes = grant.scopes;
        this.refresher.sealTokens(row, grant);
        row.revision += 1;
        row.refreshTokenUsedAt = new Date();
        row.consecutiveRefreshFailures = 0;
        row.revocationPending = false;
        if (existed) {
          row.installedAt = new Date();
        }
        await manager.getRepository(Installation).save(row);
        await this.notify(manager, row);

        return { installation: row, reinstall: existed };
      },
    );
    this.logger.log(
      {
        installationId: installation.id,
        companyId: installation.companyId,
        userId: installation.userId,
        reinstall,
      },
      reinstall ? 'installation reactivated' : 'installation created',
    );
    this.events.emit(INSTALLATION_ACTIVATED, {
      installationId: installation.id,
      companyId: installation.companyId,
      userId: installation.userId,
      reinstall,
    } satisfies InstallationActivatedEvent);

    return installation;
  }

  /**
   * Applies Pipedrive's uninstall notice: erases that installation's tokens
   * and marks it uninstalled. Returns false when no such installation
   * exists or it was already uninstalled.
   */
  async uninstall(companyId: number, userId: number): Promise<boolean> {
    const changed = await this.dataSource.transaction(async (manager) => {
      const row = await manager
        .getRepository(Installation)
        .createQueryBuilder('installation')
        .where(
          'installation.companyId = :companyId AND installation.userId = :userId',
          {
            companyId,
            userId,
          },
        )
        .setLock('pessimistic_write')
        .getOne();
      if (!row || (row.status === 'uninstalled' && row.tokenKeyId === null)) {
        return null;
      }
      this.eraseTokens(row);
      row.status = 'uninstalled';
      row.revocationPending = false;
      await manager.getRepository(Installation).save(row);
      await this.notify(manager, row);

      return row;
    });
    if (!changed) {
      return false;
    }
    this.logger.log(
      { installationId: changed.id, companyId, userId },
      'installation uninstalled by Pipedrive',
    );
    this.emitDeactivated(changed, 'uninstalled');

    return true;
  }

  /**
   * Revokes the refresh token at Pipedrive (which uninstalls the app for
   * that user), then erases the tokens. The installation is marked revoked
   * first, so local use stops even when Pipedrive cannot be reached. The
   * encrypted refresh token is then kept only for `retryPendingRevocations`.
   */
  async revoke(
    installationId: string,
  ): Promise<{ revokedAtPipedrive: boolean } | null> {
    const marked = await this.dataSource.transaction(async (manager) => {
      const row = await this.lockWithTokens(manager, installationId);
      if (!row) {
        return null;
      }
      const token = row.refreshTokenCiphertext
        ? this.decryptRefreshToken(row)
        : null;
      row.status = 'revoked';
      row.revocationPending = token !== null;
      row.accessTokenCiphertext = null;
      row.accessTokenExpiresAt = null;
      row.revision += 1;
      await manager.getRepository(Installation).save(row);
      await this.notify(manager, row);

      return { row, token };
    });
    if (!marked) {
      return null;
    }
    this.emitDeactivated(marked.row, 'revoked');
    const refreshToken = marked.token;
    if (refreshToken === null) {
      return { revokedAtPipedrive: false };
    }

    return {
      revokedAtPipedrive: await this.completeRevocation(
        installationId,
        refreshToken,
      ),
    };
  }

  /** Retries revocations that failed earlier; returns how many succeeded. */
  async retryPendingRevocations(limit = 50): Promise<number> {
    const pending = await this.dataSource.getRepository(Installation).find({
      where: { revocationPending: true },
      take: limit,
      select: { id: true },
    });
    let succeeded = 0;
    for (const { id } of pending) {
      const token = await this.dataSource.transaction(async (manager) => {
        const row = await this.lockWithTokens(manager, id);

        return row?.revocationPending && row.refreshTokenCiphertext
          ? this.decryptRefreshToken(row)
          : null;
      });
      if (token && (await this.completeRevocation(id, token))) {
        succeeded++;
      }
    }

    return succeeded;
  }

  /** Deletes the installation and its tokens without telling Pipedrive. */
  async erase(installationId: string): Promise<boolean> {
    const removed = await this.dataSource.transaction(async (manager) => {
      const row = await this.lockWithTokens(manager, installationId);
      if (!row) {
        return null;
      }
      await manager.getRepository(Installation).delete({ id: row.id });
      row.revision += 1;
      await this.notify(manager, row);

      return row;
    });
    if (!removed) {
      return false;
    }
    this.logger.log(
      { installationId, companyId: removed.companyId, userId: removed.userId },
      'installation erased',
    );
    this.emitDeactivated(removed, 'erased');

    return true;
  }

  private async completeRevocation(
    installationId: string,
    refreshToken: string,
  ): Promise<boolean> {
    try {
      await this.oauth.revoke(refreshToken, 'refresh_token');
    } catch (error) {
      this.logger.warn(
        { installationId, reason: (error as Error).message },
        'revocation at Pipedrive failed; will retry',
      );

      return false;
    }
    await this.dataSource.transaction(async (manager) => {
      const row = await this.lockWithTokens(manager, installationId);
      if (!row || row.status !== 'revoked') {
        return;
      }
      this.eraseTokens(row);
      row.revocationPending = false;
      await manager.getRepository(Installation).save(row);
      await this.notify(manager, row);
    });
    this.logger.log({ installationId }, 'installation revoked at Pipedrive');

    return true;
  }

  private lockWithTokens(
    manager: EntityManager,
    id: string,
  ): Promise<Installation | null> {
    return manager
      .getRepository(Installation)
      .createQueryBuilder('installation')
      .addSelect([...TOKEN_COLUMNS])
      .where('installation.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
  }

  private decryptRefreshToken(row: Installation): string {
    return this.cipher.decrypt(
      {
        keyId: row.tokenKeyId ?? '',
        ciphertext: row.refreshTokenCiphertext ?? '',
      },
      refreshTokenContext(row.id),
    );
  }

  private eraseTokens(row: Installation): void {
    row.accessTokenCiphertext = null;
    row.refreshTokenCiphertext = null;
    row.tokenKeyId = null;
    row.accessTokenExpiresAt = null;
    row.revision += 1;
  }

  private notify(manager: EntityManager, row: Installation): Promise<void> {
    return this.notifier.notify(manager, {
      companyId: row.companyId,
      installationId: row.id,
      revision: row.revision,
    });
  }

  private emitDeactivated(
    row: Installation,
    status: InstallationDeactivatedEvent['status'],
  ): void {
    this.events.emit(INSTALLATION_DEACTIVATED, {
      installationId: row.id,
      companyId: row.companyId,
      userId: row.userId,
      status,
    } satisfies InstallationDeactivatedEvent);
  }
}
