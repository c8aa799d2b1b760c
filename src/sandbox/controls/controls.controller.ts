import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { RateLimiter } from '../api/rate-limiter.service';
import { Installations } from '../oauth/installations.service';
import { TokenStore } from '../oauth/token-store.service';
import { SandboxServers } from '../sandbox-servers.service';
import { ActivityLog, type LoggedRequest } from '../state/activity-log.service';
import { SandboxStore } from '../state/sandbox-store.service';
import { ENTITY_OBJECTS } from '../webhooks/entity-views';
import { RecordEvents } from '../webhooks/record-events.service';
import { WebhookDelivery } from '../webhooks/webhook-delivery.service';
import { ControlBody } from './control-body';
import { ControlError } from './control-error';
import { FaultInjector, MAX_FAULT_TIMES } from './fault-injector.service';

export interface CompanySummary {
  id: number;
  name: string;
  apiDomain: string;
  users: Array<{ id: number; name: string; email: string; isAdmin: boolean }>;
}

/** Test and demo controls under /_sandbox/, all JSON. */
@Controller('_sandbox')
export class ControlsController {
  constructor(
    private readonly store: SandboxStore,
    private readonly servers: SandboxServers,
    private readonly tokens: TokenStore,
    private readonly installations: Installations,
    private readonly rateLimiter: RateLimiter,
    private readonly faults: FaultInjector,
    private readonly activity: ActivityLog,
    private readonly delivery: WebhookDelivery,
    private readonly recordEvents: RecordEvents,
  ) {}

  @Get('stats')
  stats(): object {
    return this.activity.snapshot();
  }

  @Get('requests')
  requests(): LoggedRequest[] {
    return this.activity.recentRequests();
  }

  @Get('companies')
  companies(): CompanySummary[] {
    return listCompanies(this.store, this.servers);
  }

  @Post('expire-tokens')
  @HttpCode(200)
  expireTokens(@Body() body: unknown): { expired: number } {
    const companyId = new ControlBody(body).optionalInteger('companyId', 1);
    if (companyId !== undefined) {
      this.requireCompany(companyId);
    }

    return { expired: this.tokens.expireAccessTokens(companyId) };
  }

  @Post('faults')
  @HttpCode(200)
  addFault(@Body() body: unknown): { status: number; times: number } {
    const fields = new ControlBody(body);
    const status = fields.integer('status', 200, 599);
    const times = fields.integer('times', 1, MAX_FAULT_TIMES);
    const latencyMs = fields.optionalInteger('latencyMs', 0, 600_000) ?? 0;
    const path = fields.optionalString('path') ?? null;
    if (path !== null && !path.startsWith('/')) {
      throw new ControlError(
        `Field path is invalid: expected a path starting with "/", got "${path}".`,
      );
    }
    this.faults.add({ status, times, latencyMs, path });

    return { status, times };
  }

  /** Removes every pending fault, leaving tokens and records as they are. */
  @Delete('faults')
  @HttpCode(200)
  clearFaults(): { cleared: number } {
    return { cleared: this.faults.reset() };
  }

  @Post('rate-limit')
  @HttpCode(200)
  setRateLimit(@Body() body: unknown): {
    burst: number;
    windowSeconds: number;
  } {
    const fields = new ControlBody(body);
    const burst = fields.integer('burst', 1);
    const windowSeconds = fields.number('windowSeconds', 0.001);
    this.rateLimiter.configure(burst, windowSeconds);

    return this.rateLimiter.settings();
  }

  @Post('scopes')
  @HttpCode(200)
  setScopes(@Body() body: unknown): { scopes: string[] } {
    const scopes = new ControlBody(body).stringArray('scopes');
    this.store.data.appScopes = [...new Set(scopes)];
    this.store.changed();

    return { scopes: this.store.data.appScopes };
  }

  @Post('uninstall')
  @HttpCode(200)
  async uninstall(
    @Body() body: unknown,
  ): Promise<{ notified: boolean; status: number | null }> {
    const fields = new ControlBody(body);
    const companyId = fields.integer('companyId', 1);
    const userId = fields.integer('userId', 1);
    const company = this.requireCompany(companyId);
    if (!company.users.some((user) => user.id === userId)) {
      throw new ControlError(
        `Field userId is invalid: user ${userId} does not belong to company ${companyId}.`,
      );
    }
    this.installations.uninstall(companyId, userId);

    return this.installations.sendUninstallNotice(companyId, userId);
  }

  /** Changes a seeded record and delivers the event to matching webhooks. */
  @Post('events')
  @HttpCode(200)
  emitEvent(@Body() body: unknown): { eventId: string; deliveries: number } {
    const fields = new ControlBody(body);
    const companyId = fields.integer('companyId', 1);
    const object = fields.oneOf('object', ENTITY_OBJECTS);
    const action = fields.oneOf('action', [
      'create',
      'change',
      'delete',
    ] as const);
    const company = this.requireCompany(companyId);
    const event = this.recordEvents.apply(company, object, action);

    return { eventId: event.id, deliveries: this.delivery.deliver(event) };
  }

  @Post('move-api-domain')
  @HttpCode(200)
  async moveApiDomain(
    @Body() body: unknown,
  ): Promise<{ companyId: number; apiDomain: string }> {
    const companyId = new ControlBody(body).integer('companyId', 1);
    this.requireCompany(companyId);
    const apiDomain = await this.servers.moveCompany(companyId);

    return { companyId, apiDomain };
  }

  @Post('reset')
  @HttpCode(200)
  reset(): { reset: true } {
    this.delivery.cancelAll();
    this.store.reset();
    this.tokens.reset();
    this.faults.reset();
    this.rateLimiter.reset();
    this.activity.reset();

    return { reset: true };
  }

  private requireCompany(companyId: number) {
    const company = this.store.company(companyId);
    if (!company) {
      throw new ControlError(
        `Field companyId is invalid: no company ${companyId}; GET /_sandbox/companies lists them.`,
      );
    }

    return company;
  }
}

export function listCompanies(
  store: SandboxStore,
  servers: SandboxServers,
): CompanySummary[] {
  return store.companies().map((company) => ({
    id: company.id,
    name: company.name,
    apiDomain: servers.apiDomain(company.id),
    users: company.users.map((user) => ({
      id: user.id,
      name: user.name,
      email: user.email,
      isAdmin: user.is_admin,
    })),
  }));
}
