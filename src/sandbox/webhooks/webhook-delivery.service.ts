import { Inject, Injectable } from '@nestjs/common';
import {
  SANDBOX_OPTIONS,
  type ResolvedSandboxOptions,
} from '../sandbox-options';
import { isoTime } from '../seed/time-format';
import type { WebhookRecord } from '../state/sandbox-data';
import { SandboxStore } from '../state/sandbox-store.service';
import {
  buildV1Payload,
  buildV2Payload,
  type RecordEvent,
} from './event-payloads';

/**
 * Delivers events to subscriptions: a JSON POST with the subscription's
 * Basic credentials, where a 2xx within the timeout succeeds and anything
 * else is retried after each configured delay with the same event id.
 *
 * NOTE: Pipedrive's ban after 10 failed first attempts and its removal of
 * webhooks that fail for 3 days are not modelled.
 */
@Injectable()
export class WebhookDelivery {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();

  constructor(
    private readonly store: SandboxStore,
    @Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions,
  ) {}

  /** Returns the company's subscriptions that match the event. */
  matchingWebhooks(event: RecordEvent): WebhookRecord[] {
    return this.store.data.webhooks.filter(
      (webhook) =>
        webhook.company_id === event.companyId &&
        webhook.is_active === 1 &&
        (webhook.event_object === '*' ||
          webhook.event_object === event.object) &&
        (webhook.event_action === '*' || webhook.event_action === event.action),
    );
  }

  /** Starts delivery to every matching subscription; returns how many. */
  deliver(event: RecordEvent): number {
    const webhooks = this.matchingWebhooks(event);
    for (const webhook of webhooks) {
      void this.attempt(event, webhook.id, 1);
    }

    return webhooks.length;
  }

  /** Stops pending retries and aborts deliveries in flight. */
  cancelAll(): void {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
    for (const controller of this.inFlight) {
      controller.abort();
    }
    this.inFlight.clear();
  }

  private async attempt(
    event: RecordEvent,
    webhookId: number,
    attempt: number,
  ): Promise<void> {
    // A subscription deleted meanwhile, for example by an uninstall, gets
    // no further attempts.
    const webhook = this.store.data.webhooks.find(
      (candidate) => candidate.id === webhookId,
    );
    if (!webhook) {
      return;
    }
    const payload =
      webhook.version === '1.0'
        ? buildV1Payload(event, webhook, attempt - 1)
        : buildV2Payload(event, webhook, attempt);
    const status = await this.post(webhook, payload);
    webhook.last_delivery_time = isoTime(this.options.now());
    webhook.last_http_status = status;
    this.store.changed();

    const logContext = {
      webhookId: webhook.id,
      companyId: event.companyId,
      eventId: event.id,
      attempt,
      status,
    };
    if (status !== null && status >= 200 && status < 300) {
      this.options.logger.info(logContext, 'Webhook delivered');

      return;
    }
    const delay = this.options.webhookRetryDelaysMs[attempt - 1];
    if (delay === undefined) {
      this.options.logger.warn(
        logContext,
        'Webhook delivery failed, no retries left',
      );

      return;
    }
    this.options.logger.warn(
      { ...logContext, retryInMs: delay },
      'Webhook delivery failed, will retry',
    );
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(event, webhookId, attempt + 1);
    }, delay);
    this.timers.add(timer);
  }

  /** Posts once; returns the HTTP status, or null on a network error or timeout. */
  private async post(
    webhook: WebhookRecord,
    payload: object,
  ): Promise<number | null> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Pipedrive Webhooks',
    };
    if (webhook.http_auth_user !== null) {
      const credentials = `${webhook.http_auth_user}:${webhook.http_auth_password ?? ''}`;
      headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(
      () => controller.abort(),
      this.options.webhookTimeoutMs,
    );
    try {
      const response = await fetch(webhook.subscription_url, {
        method: 'POST',
        headers,
        body: JSON.stringify(payload),
        redirect: 'manual',
        signal: controller.signal,
      });
      await response.arrayBuffer();

      return response.status;
    } catch {
      return null;
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
  }
}
