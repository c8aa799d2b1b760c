import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
} from '@nestjs/common';
import {
  SANDBOX_OPTIONS,
  type ResolvedSandboxOptions,
} from '../sandbox-options';
import { isoTime } from '../seed/time-format';
import type { WebhookRecord } from '../state/sandbox-data';
import { SandboxStore } from '../state/sandbox-store.service';
import type { ApiCaller } from './api-gate.service';
import { Caller } from './api-caller.decorator';
import { CompanyData } from './company-data.service';
import { API_ERRORS, PipedriveApiError } from './pipedrive-api-error';
import { RequireScopes } from './required-scopes';

/** Pipedrive allows at most 40 webhooks per user. */
export const MAX_WEBHOOKS_PER_USER = 40;

export const WEBHOOK_ACTIONS = ['create', 'change', 'delete', '*'];
export const WEBHOOK_OBJECTS = [
  'activity',
  'deal',
  'lead',
  'note',
  'organization',
  'person',
  'pipeline',
  'product',
  'stage',
  'user',
  '*',
];

/**
 * Webhook subscriptions. Webhooks created with an OAuth token have type
 * "application": only the creating app can list them, and uninstalling
 * the app for their owner deletes them.
 */
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly store: SandboxStore,
    private readonly data: CompanyData,
    @Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions,
  ) {}

  @Get()
  @RequireScopes('admin', 'webhooks:read', 'webhooks:full')
  list(@Caller() caller: ApiCaller): object {
    return {
      success: true,
      status: 'ok',
      data: this.companyWebhooks(caller),
    };
  }

  @Post()
  @HttpCode(201)
  @RequireScopes('admin', 'webhooks:full')
  create(@Caller() caller: ApiCaller, @Body() body: unknown): object {
    const company = this.data.companyOf(caller);
    const fields = this.validate(
      body,
      company.users.map((user) => user.id),
    );
    const owned = this.store.data.webhooks.filter(
      (webhook) =>
        webhook.company_id === caller.companyId &&
        webhook.owner_id === caller.userId,
    );
    if (owned.length >= MAX_WEBHOOKS_PER_USER) {
      throw webhookError({
        subscription_url: [
          `limit reached: a user may have at most ${MAX_WEBHOOKS_PER_USER} webhooks`,
        ],
      });
    }

    const webhook: WebhookRecord = {
      id: this.store.data.nextWebhookId++,
      company_id: caller.companyId,
      owner_id: caller.userId,
      user_id: fields.userId ?? caller.userId,
      event_action: fields.eventAction,
      event_object: fields.eventObject,
      subscription_url: fields.subscriptionUrl,
      version: fields.version,
      is_active: 1,
      add_time: isoTime(this.options.now()),
      remove_time: null,
      type: 'application',
      http_auth_user: fields.httpAuthUser,
      http_auth_password: fields.httpAuthPassword,
      remove_reason: null,
      last_delivery_time: null,
      last_http_status: null,
      admin_id: caller.userId,
      name: fields.name,
    };
    this.store.data.webhooks.push(webhook);
    this.store.changed();
    this.options.logger.info(
      {
        companyId: caller.companyId,
        webhookId: webhook.id,
        tokenId: caller.tokenId,
      },
      'Webhook created',
    );

    return { success: true, status: 'ok', data: webhook };
  }

  @Delete(':id')
  @RequireScopes('admin', 'webhooks:full')
  remove(@Caller() caller: ApiCaller, @Param('id') rawId: string): object {
    const id = Number(rawId);
    if (!/^\d+$/.test(rawId) || id < 1) {
      throw API_ERRORS.badRequest(
        'Invalid parameter "id": must be a positive integer.',
      );
    }
    const index = this.store.data.webhooks.findIndex(
      (webhook) => webhook.id === id && webhook.company_id === caller.companyId,
    );
    if (index === -1) {
      throw API_ERRORS.notFound(`Webhook ${id} not found`);
    }
    this.store.data.webhooks.splice(index, 1);
    this.store.changed();

    return { success: true, status: 'ok' };
  }

  private companyWebhooks(caller: ApiCaller): WebhookRecord[] {
    return this.store.data.webhooks.filter(
      (webhook) => webhook.company_id === caller.companyId,
    );
  }

  /** Checks the body against the spec; collects every error per field. */
  private validate(body: unknown, userIds: number[]) {
    const input =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : {};
    const errors: Record<string, string[]> = {};
    const fail = (field: string, message: string) => {
      (errors[field] ??= []).push(message);
    };

    const subscriptionUrl = input.subscription_url;
    if (typeof subscriptionUrl !== 'string' || subscriptionUrl === '') {
      fail('subscription_url', 'is required');
    } else if (!isHttpUrl(subscriptionUrl)) {
      fail('subscription_url', 'must be an http or https URL');
    }
    const eventAction = input.event_action;
    if (
      typeof eventAction !== 'string' ||
      !WEBHOOK_ACTIONS.includes(eventAction)
    ) {
      fail('event_action', `must be one of ${WEBHOOK_ACTIONS.join(', ')}`);
    }
    const eventObject = input.event_object;
    if (
      typeof eventObject !== 'string' ||
      !WEBHOOK_OBJECTS.includes(eventObject)
    ) {
      fail('event_object', `must be one of ${WEBHOOK_OBJECTS.join(', ')}`);
    }
    const name = input.name;
    if (typeof name !== 'string' || name.trim() === '') {
      fail('name', 'is required');
    } else if (name.length > 255) {
      fail('name', 'must be at most 255 characters');
    }
    const userId = input.user_id;
    if (
      userId !== undefined &&
      (!Number.isInteger(userId) || !userIds.includes(userId as number))
    ) {
      fail('user_id', 'must be the id of a user of this company');
    }
    for (const field of ['http_auth_user', 'http_auth_password']) {
      const value = input[field];
      if (value !== undefined && value !== null && typeof value !== 'string') {
        fail(field, 'must be a string');
      }
    }
    const version = input.version ?? '2.0';
    if (version !== '1.0' && version !== '2.0') {
      fail('version', 'must be "1.0" or "2.0"');
    }
    if (Object.keys(errors).length > 0) {
      throw webhookError(errors);
    }

    return {
      subscriptionUrl: subscriptionUrl as string,
      eventAction: eventAction as string,
      eventObject: eventObject as string,
      name: name as string,
      userId: userId as number | undefined,
      httpAuthUser: (input.http_auth_user as string | undefined) ?? null,
      httpAuthPassword:
        (input.http_auth_password as string | undefined) ?? null,
      version: version as string,
    };
  }
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) {
    return false;
  }
  const protocol = new URL(value).protocol;

  return protocol === 'http:' || protocol === 'https:';
}

/** Pipedrive's webhook validation error: `status: "error"` plus `errors`. */
function webhookError(errors: Record<string, string[]>): PipedriveApiError {
  const summary = Object.entries(errors)
    .map(([field, messages]) => `${field} ${messages.join(', ')}`)
    .join('; ');

  return new PipedriveApiError(400, `Validation failed: ${summary}`, {
    status: 'error',
    errors,
  });
}
