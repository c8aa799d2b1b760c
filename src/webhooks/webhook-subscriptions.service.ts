import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In } from 'typeorm';
import { type TenantContext } from '../auth/caller';
import { GatewayException } from '../common/errors/gateway.exception';
import { GATEWAY_CONFIG } from '../config/config.module';
import { type GatewayConfig } from '../config/gateway-config';
import { sha256Hex } from '../crypto/secret-hash';
import {
  INSTALLATION_ACTIVATED,
  INSTALLATION_DEACTIVATED,
  type InstallationActivatedEvent,
  type InstallationDeactivatedEvent,
} from '../installations/installations.service';
import { PipedriveApiClient } from '../pipedrive/pipedrive-api.client';
import { type CreateWebhookBody } from './create-webhook.dto';
import { WebhookSubscription } from './webhook-subscription.entity';

/** Pipedrive's status and JSON body, passed on to the caller. */
export interface PipedriveResult {
  status: number;
  body: unknown;
}

interface PipedriveWebhookRecord {
  id: number;
  [field: string]: unknown;
}

/** A subscription's identity: requests that share it get one subscription. */
interface SubscriptionIdentity {
  companyId: number;
  subscriptionUrl: string;
  eventAction: string;
  eventObject: string;
  version: string;
}

/**
 * Creates, lists and deletes webhook subscriptions at Pipedrive for one
 * company, keeps a local record of each, and recreates the gateway's own
 * subscriptions after a reinstall.
 */
@Injectable()
export class WebhookSubscriptionsService {
  private readonly logger = new Logger(WebhookSubscriptionsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly pipedrive: PipedriveApiClient,
  ) {}

  /** Builds the gateway's receiver URL for one company. */
  receiverUrl(companyId: number): string {
    return `${this.config.publicUrl}/webhooks/pipedrive/${companyId}`;
  }

  /**
   * Creates a subscription at Pipedrive, or returns the active one with the
   * same URL, action, object and version (status 200 in that case).
   */
  async create(
    tenant: TenantContext,
    body: CreateWebhookBody,
  ): Promise<PipedriveResult> {
    const gatewayManaged = body.subscription_url === undefined;
    if (
      gatewayManaged &&
      (body.http_auth_user !== undefined ||
        body.http_auth_password !== undefined)
    ) {
      throw new GatewayException(
        400,
        'validation_failed',
        'http_auth_user and http_auth_password must be left out without subscription_url, because the gateway makes its own credentials',
        {
          fields: [
            {
              field: 'http_auth_user',
              rule: 'absentWithoutSubscriptionUrl',
              message:
                'http_auth_user and http_auth_password must be left out without subscription_url',
            },
          ],
        },
      );
    }
    const identity: SubscriptionIdentity = {
      companyId: tenant.companyId,
      subscriptionUrl:
        body.subscription_url ?? this.receiverUrl(tenant.companyId),
      eventAction: body.event_action,
      eventObject: body.event_object,
      version: body.version ?? '2.0',
    };

    return this.withIdentityLock(identity, async () => {
      const existing = await this.dataSource
        .getRepository(WebhookSubscription)
        .findOneBy({ ...identity, status: 'active' });
      if (existing) {
        return {
          status: 200,
          body: { success: true, status: 'ok', data: existing.pipedriveRecord },
        };
      }

      const credentials = gatewayManaged ? newCredentials() : null;
      const request: Record<string, unknown> = {
        subscription_url: identity.subscriptionUrl,
        event_action: identity.eventAction,
        event_object: identity.eventObject,
        name: body.name,
        version: identity.version,
        ...(body.user_id === undefined ? {} : { user_id: body.user_id }),
      };
      if (credentials) {
        request.http_auth_user = credentials.user;
        request.http_auth_password = credentials.password;
      } else {
        if (body.http_auth_user !== undefined) {
          request.http_auth_user = body.http_auth_user;
        }
        if (body.http_auth_password !== undefined) {
          request.http_auth_password = body.http_auth_password;
        }
      }
      const upstream = await this.callPipedrive(
        tenant,
        'POST',
        '/api/v1/webhooks',
        request,
      );
      const record = webhookRecordOf(upstream.body);
      if (upstream.status >= 300 || !record) {
        return {
          status: upstream.status,
          body: withoutPasswords(upstream.body),
        };
      }

      const row = this.dataSource.getRepository(WebhookSubscription).create({
        ...identity,
        installationId: upstream.installationId,
        pipedriveWebhookId: record.id,
        name: body.name,
        pipedriveUserId: body.user_id ?? null,
        gatewayManaged,
        httpAuthUser: credentials?.user ?? null,
        httpAuthPasswordHash: credentials
          ? sha256Hex(credentials.password)
          : null,
        status: 'active',
        pipedriveRecord: withoutPasswords(record) as Record<string, unknown>,
      });
      await this.dataSource.getRepository(WebhookSubscription).save(row);
      this.logger.log(
        {
          companyId: tenant.companyId,
          subscriptionId: row.id,
          pipedriveWebhookId: record.id,
          gatewayManaged,
        },
        'webhook subscription created',
      );

      return { status: upstream.status, body: withoutPasswords(upstream.body) };
    });
  }

  /** Lists the company's webhooks at Pipedrive, without Basic passwords. */
  async list(tenant: TenantContext): Promise<PipedriveResult> {
    const upstream = await this.callPipedrive(
      tenant,
      'GET',
      '/api/v1/webhooks',
    );

    return { status: upstream.status, body: withoutPasswords(upstream.body) };
  }

  /** Deletes a webhook at Pipedrive and marks the local record deleted. */
  async remove(
    tenant: TenantContext,
    webhookId: number,
  ): Promise<PipedriveResult> {
    const upstream = await this.callPipedrive(
      tenant,
      'DELETE',
      `/api/v1/webhooks/${webhookId}`,
    );
    // A 404 means Pipedrive has no such webhook any more, so the local
    // record is stale either way.
    if (upstream.status < 300 || upstream.status === 404) {
      const result = await this.dataSource
        .getRepository(WebhookSubscription)
        .update(
          {
            companyId: tenant.companyId,
            pipedriveWebhookId: webhookId,
            status: In(['active', 'uninstalled']),
          },
          { status: 'deleted' },
        );
      if (result.affected) {
        this.logger.log(
          { companyId: tenant.companyId, pipedriveWebhookId: webhookId },
          'webhook subscription deleted',
        );
      }
    }

    return { status: upstream.status, body: withoutPasswords(upstream.body) };
  }

  /**
   * After a reinstall, recreates the gateway-managed subscriptions of that
   * installation that Pipedrive no longer lists (it deletes an app's
   * webhooks on uninstall), each with fresh credentials.
   */
  @OnEvent(INSTALLATION_ACTIVATED, { async: true, promisify: true })
  async onInstallationActivated(
    event: InstallationActivatedEvent,
  ): Promise<void> {
    if (!event.reinstall) {
      return;
    }
    try {
      await this.recreateForInstallation(event);
    } catch (error) {
      this.logger.error(
        {
          installationId: event.installationId,
          companyId: event.companyId,
          reason: (error as Error).message,
        },
        'recreating webhook subscriptions after reinstall failed',
      );
    }
  }

  /** Marks the installation's subscriptions as removed by Pipedrive. */
  @OnEvent(INSTALLATION_DEACTIVATED, { async: true, promisify: true })
  async onInstallationDeactivated(
    event: InstallationDeactivatedEvent,
  ): Promise<void> {
    try {
      const result = await this.dataSource
        .getRepository(WebhookSubscription)
        .update(
          { installationId: event.installationId, status: 'active' },
          { status: 'uninstalled' },
        );
      if (result.affected) {
        this.logger.log(
          {
            installationId: event.installationId,
            companyId: event.companyId,
            subscriptions: result.affected,
          },
          'webhook subscriptions marked uninstalled',
        );
      }
    } catch (error) {
      this.logger.error(
        {
          installationId: event.installationId,
          reason: (error as Error).message,
        },
        'marking webhook subscriptions uninstalled failed',
      );
    }
  }

  /** Returns how many subscriptions were recreated. */
  async recreateForInstallation(event: {
    installationId: string;
    companyId: number;
    userId: number;
  }): Promise<number> {
    const repository = this.dataSource.getRepository(WebhookSubscription);
    const rows = await repository.findBy({
      installationId: event.installationId,
      gatewayManaged: true,
      status: In(['active', 'uninstalled']),
    });
    if (rows.length === 0) {
      return 0;
    }
    const tenant: TenantContext = {
      companyId: event.companyId,
      caller: { kind: 'admin' },
      requestedUserId: event.userId,
    };
    const listed = await this.callPipedrive(tenant, 'GET', '/api/v1/webhooks');
    if (listed.status !== 200) {
      throw new Error(
        `Pipedrive returned status ${listed.status} when listing webhooks`,
      );
    }
    const existingIds = new Set(
      webhookListOf(listed.body).map((webhook) => webhook.id),
    );
    let recreated = 0;
    for (const row of rows) {
      if (existingIds.has(row.pipedriveWebhookId)) {
        if (row.status !== 'active') {
          await repository.update({ id: row.id }, { status: 'active' });
        }
        continue;
      }
      if (await this.recreate(tenant, row)) {
        recreated++;
      }
    }
    this.logger.log(
      {
        installationId: event.installationId,
        companyId: event.companyId,
        recreated,
      },
      'webhook subscriptions checked after reinstall',
    );

    return recreated;
  }

  private async recreate(
    tenant: TenantContext,
    row: WebhookSubscription,
  ): Promise<boolean> {
    const credentials = newCredentials();
    const subscriptionUrl = this.receiverUrl(row.companyId);
    const upstream = await this.callPipedrive(
      tenant,
      'POST',
      '/api/v1/webhooks',
      {
        subscription_url: subscriptionUrl,
        event_action: row.eventAction,
        event_object: row.eventObject,
        name: row.name,
        version: row.version,
        http_auth_user: credentials.user,
        http_auth_password: credentials.password,
        ...(row.pipedriveUserId === null
          ? {}
          : { user_id: row.pipedriveUserId }),
      },
    );
    const record = webhookRecordOf(upstream.body);
    if (upstream.status >= 300 || !record) {
      this.logger.warn(
        {
          subscriptionId: row.id,
          companyId: row.companyId,
          status: upstream.status,
        },
        'Pipedrive rejected recreating a webhook subscription',
      );

      return false;
    }
    row.subscriptionUrl = subscriptionUrl;
    row.installationId = upstream.installationId;
    row.pipedriveWebhookId = record.id;
    row.httpAuthUser = credentials.user;
    row.httpAuthPasswordHash = sha256Hex(credentials.password);
    row.status = 'active';
    row.pipedriveRecord = withoutPasswords(record) as Record<string, unknown>;
    await this.dataSource.getRepository(WebhookSubscription).save(row);
    this.logger.log(
      {
        subscriptionId: row.id,
        companyId: row.companyId,
        pipedriveWebhookId: record.id,
      },
      'webhook subscription recreated',
    );

    return true;
  }

  /**
   * Runs `work` holding a PostgreSQL advisory lock on the identity, so two
   * identical requests, even on two gateway instances, create one webhook.
   */
  private async withIdentityLock<T>(
    identity: SubscriptionIdentity,
    work: () => Promise<T>,
  ): Promise<T> {
    const key = [
      'webhook-subscription',
      identity.companyId,
      identity.subscriptionUrl,
      identity.eventAction,
      identity.eventObject,
      identity.version,
    ].join('|');
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [
        key,
      ]);
      try {
        return await work();
      } finally {
        await runner.query(
          'SELECT pg_advisory_unlock(hashtextextended($1, 0))',
          [key],
        );
      }
    } finally {
      await runner.release();
    }
  }

  private async callPipedrive(
    tenant: TenantContext,
    method: string,
    path: string,
    body?: Record<string, unknown>,
  ): Promise<PipedriveResult & { installationId: string }> {
    const response = await this.pipedrive.send(tenant, {
      method,
      path,
      headers: {
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? Buffer.from(JSON.stringify(body)) : undefined,
    });
    const text = await response.body.text();
    try {
      return {
        status: response.status,
        body: JSON.parse(text) as unknown,
        installationId: response.installationId,
      };
    } catch {
      throw new GatewayException(
        502,
        'upstream_unavailable',
        `Pipedrive returned status ${response.status} to ${method} ${path} with a body that is not JSON`,
      );
    }
  }
}

function newCredentials(): { user: string; password: string } {
  return {
    user: `pgw-${randomBytes(12).toString('hex')}`,
    password: randomBytes(32).toString('base64url'),
  };
}

function webhookRecordOf(body: unknown): PipedriveWebhookRecord | null {
  const data = (body as { data?: unknown } | null)?.data;

  return isWebhookRecord(data) ? data : null;
}

function webhookListOf(body: unknown): PipedriveWebhookRecord[] {
  const data = (body as { data?: unknown } | null)?.data;

  return Array.isArray(data) ? data.filter(isWebhookRecord) : [];
}

function isWebhookRecord(value: unknown): value is PipedriveWebhookRecord {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { id?: unknown }).id === 'number'
  );
}

/**
 * Copies a Pipedrive response with every `http_auth_password` set to null:
 * Pipedrive echoes it, and the gateway never returns a stored secret.
 */
export function withoutPasswords(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withoutPasswords);
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = key === 'http_auth_password' ? null : withoutPasswords(field);
  }

  return copy;
}
