import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager } from 'typeorm';
import { GATEWAY_CONFIG } from '../config/config.module';
import { type GatewayConfig } from '../config/gateway-config';
import { TokenCipher } from '../crypto/token-cipher';
import { type GatewayException } from '../common/errors/gateway.exception';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { waitBackoff } from '../pipedrive/backoff';
import {
  OAuthServerError,
  PipedriveOAuthClient,
  type TokenGrant,
} from '../pipedrive/pipedrive-oauth.client';
import { Installation, type RefreshOutcome } from './installation.entity';
import { InstallationCache } from './installation-cache';
import { InstallationNotifier } from './installation-notifier';
import {
  accessTokenContext,
  type InstallationSnapshot,
  refreshTokenContext,
  TOKEN_COLUMNS,
  toSnapshot,
} from './installation-snapshot';
import {
  errorForStatus,
  installationGone,
  reauthorizationRequired,
  refreshFailed,
} from './installation.errors';

/** The reason for a refresh request. */
export type RefreshReason =
  | { kind: 'expiring' }
  | { kind: 'rejected'; revision: number }
  | { kind: 'forced' }
  | { kind: 'idle'; usedBefore: Date };

const TRANSIENT_ATTEMPTS = 3;
const LOCK_TIMEOUT = '20s';

type RefreshResult =
  | { ok: true; snapshot: InstallationSnapshot; refreshed: boolean }
  | { ok: false; error: GatewayException };

/**
 * Refreshes an installation's tokens once at a time across every process:
 * callers in one process share one promise, and processes queue on the
 * installation's row lock. The caller that gets the lock re-reads the row and
 * reuses tokens that another process refreshed meanwhile. New tokens are
 * committed before any request uses them.
 */
@Injectable()
export class TokenRefresher {
  private readonly logger = new Logger(TokenRefresher.name);
  private readonly inFlight = new Map<string, Promise<RefreshResult>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly cipher: TokenCipher,
    private readonly oauth: PipedriveOAuthClient,
    private readonly cache: InstallationCache,
    private readonly notifier: InstallationNotifier,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** True when the access token is missing or inside the refresh margin. */
  needsRefresh(snapshot: InstallationSnapshot, now = Date.now()): boolean {
    const marginMs = this.config.tokens.refreshMarginSeconds * 1000;

    return (
      !snapshot.accessToken ||
      snapshot.accessTokenExpiresAt === null ||
      snapshot.accessTokenExpiresAt - marginMs <= now
    );
  }

  /**
   * Returns a snapshot with a usable access token, refreshing if needed.
   * Throws the GatewayException that the caller should return to its client.
   */
  async refresh(
    installationId: string,
    reason: RefreshReason,
  ): Promise<InstallationSnapshot> {
    const result = await this.refreshOnce(installationId, reason);
    if (!result.ok) {
      throw result.error;
    }

    return result.snapshot;
  }

  /** Refreshes like refresh() and also reports whether a grant was made. */
  refreshOnce(
    installationId: string,
    reason: RefreshReason,
  ): Promise<RefreshResult> {
    const running = this.inFlight.get(installationId);
    if (running) {
      return running;
    }
    const started = this.lockAndRefresh(installationId, reason).finally(() =>
      this.inFlight.delete(installationId),
    );
    this.inFlight.set(installationId, started);

    return started;
  }

  private async lockAndRefresh(
    installationId: string,
    reason: RefreshReason,
  ): Promise<RefreshResult> {
    const result = await this.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      const installation = await manager
        .getRepository(Installation)
        .createQueryBuilder('installation')
        .addSelect([...TOKEN_COLUMNS])
        .where('installation.id = :id', { id: installationId })
        .setLock('pessimistic_write')
        .getOne();
      if (!installation) {
        return { ok: false as const, error: installationGone(installationId) };
      }
      if (installation.status !== 'active') {
        return {
          ok: false as const,
          error: errorForStatus(
            installation.status,
            installation.companyId,
            installation.userId,
          ),
        };
      }
      const current = toSnapshot(installation, this.cipher);
      if (this.canReuse(current, installation, reason)) {
        return { ok: true as const, snapshot: current, refreshed: false };
      }

      return this.grantAndStore(manager, installation);
    });
    if (result.ok) {
      this.cache.update(result.snapshot);
    } else {
      // The notice to other processes arrives asynchronously; this process
      // must not serve the old snapshot to the next request meanwhile.
      this.cache.remove(installationId);
    }

    return result;
  }

  /** Whether another process already did the work this caller came for. */
  private canReuse(
    current: InstallationSnapshot,
    installation: Installation,
    reason: RefreshReason,
  ): boolean {
    switch (reason.kind) {
      case 'expiring':
        return !this.needsRefresh(current);
      case 'rejected':
        return (
          current.revision !== reason.revision && !this.needsRefresh(current)
        );
      case 'idle':
        return (
          (installation.refreshTokenUsedAt ?? installation.installedAt) >=
          reason.usedBefore
        );
      case 'forced':
        return false;
    }
  }

  private async grantAndStore(
    manager: EntityManager,
    installation: Installation,
  ): Promise<RefreshResult> {
    const refreshToken = this.cipher.decrypt(
      {
        keyId: installation.tokenKeyId ?? '',
        ciphertext: installation.refreshTokenCiphertext ?? '',
      },
      refreshTokenContext(installation.id),
    );
    const log = {
      installationId: installation.id,
      companyId: installation.companyId,
    };
    let grant: TokenGrant;
    try {
      grant = await this.grantWithRetries(refreshToken, log);
    } catch (error) {
      if (!(error instanceof OAuthServerError)) {
        throw error;
      }

      return this.recordFailure(manager, installation, error);
    }

    installation.status = 'active';
    installation.apiDomain = grant.apiDomain;
    installation.scopes = grant.scopes;
    this.sealTokens(installation, grant);
    installation.revision += 1;
    installation.lastRefreshAt = new Date();
    installation.refreshTokenUsedAt = installation.lastRefreshAt;
    installation.lastRefreshOutcome = 'refreshed';
    installation.consecutiveRefreshFailures = 0;
    await manager.getRepository(Installation).save(installation);
    await this.notifier.notify(manager, {
      companyId: installation.companyId,
      installationId: installation.id,
      revision: installation.revision,
    });
    this.metrics.refreshes.inc({ outcome: 'refreshed' });
    this.logger.log(
      { ...log, revision: installation.revision },
      'access token refreshed',
    );

    return {
      ok: true,
      snapshot: toSnapshot(installation, this.cipher),
      refreshed: true,
    };
  }

  /** Encrypts a grant's tokens into the entity; the caller saves it. */
  sealTokens(installation: Installation, grant: TokenGrant): void {
    const access = this.cipher.encrypt(
      grant.accessToken,
      accessTokenContext(installation.id),
    );
    const refresh = this.cipher.encrypt(
      grant.refreshToken,
      refreshTokenContext(installation.id),
    );
    installation.accessTokenCiphertext = access.ciphertext;
    installation.refreshTokenCiphertext = refresh.ciphertext;
    installation.tokenKeyId = access.keyId;
    installation.accessTokenExpiresAt = new Date(
      Date.now() + grant.expiresInSeconds * 1000,
    );
  }

  private async grantWithRetries(
    refreshToken: string,
    log: Record<string, unknown>,
  ): Promise<TokenGrant> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.oauth.refresh(refreshToken);
      } catch (error) {
        const transient =
          error instanceof OAuthServerError && error.kind === 'transient';
        if (!transient || attempt + 1 >= TRANSIENT_ATTEMPTS) {
          throw error;
        }
        this.logger.warn(
          { ...log, attempt: attempt + 1, reason: error.message },
          'token refresh failed; retrying',
        );
        await waitBackoff(attempt, 250, 2_000);
      }
    }
  }

  /**
   * Stores the outcome of a failed refresh. Tokens stay as they are, so a
   * refresh token is never lost to a failure. Only invalid_grant changes the
   * status: invalid_client means the app's own credentials are wrong, which
   * is no fault of the installation.
   */
  private async recordFailure(
    manager: EntityManager,
    installation: Installation,
    error: OAuthServerError,
  ): Promise<RefreshResult> {
    const outcome: RefreshOutcome =
      error.kind === 'invalid_grant' || error.kind === 'invalid_client'
        ? error.kind
        : 'failed';
    const log = {
      installationId: installation.id,
      companyId: installation.companyId,
      userId: installation.userId,
      outcome,
      status: error.status,
      reason: error.message,
    };
    installation.lastRefreshAt = new Date();
    installation.lastRefreshOutcome = outcome;
    installation.consecutiveRefreshFailures += 1;
    if (outcome === 'invalid_grant') {
      installation.status = 'reauthorization_required';
      installation.revision += 1;
    }
    await manager.getRepository(Installation).save(installation);
    if (outcome === 'invalid_grant') {
      await this.notifier.notify(manager, {
        companyId: installation.companyId,
        installationId: installation.id,
        revision: installation.revision,
      });
    }
    this.metrics.refreshes.inc({ outcome });

    switch (outcome) {
      case 'invalid_grant':
        this.logger.warn(
          log,
          'refresh token rejected; installation needs reauthorization',
        );

        return {
          ok: false,
          error: reauthorizationRequired(
            installation.companyId,
            installation.userId,
          ),
        };
      case 'invalid_client':
        this.logger.error(
          { ...log, alarm: 'pipedrive_client_credentials_rejected' },
          'OPERATOR ALARM: Pipedrive rejected the app client credentials; check PIPEDRIVE_CLIENT_ID and PIPEDRIVE_CLIENT_SECRET',
        );

        return {
          ok: false,
          error: refreshFailed(
            "Token refresh failed because Pipedrive rejected the app's client credentials; the gateway operator has been alerted",
          ),
        };
      default:
        this.logger.warn(log, 'token refresh failed');

        return {
          ok: false,
          error: refreshFailed(
            'Token refresh failed because Pipedrive is unavailable; retry later',
          ),
        };
    }
  }
}
