import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiGate } from './api/api-gate.service';
import {
  listCompanies,
  type CompanySummary,
} from './controls/controls.controller';
import { SandboxModule } from './sandbox.module';
import { resolveSandboxOptions, type SandboxOptions } from './sandbox-options';
import { SandboxServers } from './sandbox-servers.service';
import { SandboxStore } from './state/sandbox-store.service';
import { WebhookDelivery } from './webhooks/webhook-delivery.service';

export type { SandboxLogger, SandboxOptions } from './sandbox-options';

export interface SandboxHandle {
  /** Origin of the OAuth server and controls, e.g. http://127.0.0.1:3001. */
  oauthUrl: string;
  /** Current api_domain (an origin) of a seeded company. */
  apiDomain(companyId: number): string;
  companies(): CompanySummary[];
  /** Stops every listener and pending webhook retry, and saves the state. */
  close(): Promise<void>;
}

/**
 * Starts the sandbox: the OAuth server and controls on `options.port`, and
 * each company's API on its own port, which makes its api_domain.
 */
export async function startSandbox(
  options: SandboxOptions,
): Promise<SandboxHandle> {
  const resolved = resolveSandboxOptions(options);
  const app = await NestFactory.create<NestExpressApplication>(
    SandboxModule.forRoot(resolved),
    { logger: false },
  );
  app.disable('x-powered-by');
  // Registered before init, so it runs ahead of every route.
  app.use(app.get(ApiGate).middleware);
  await app.init();

  const store = app.get(SandboxStore);
  const servers = app.get(SandboxServers);
  const delivery = app.get(WebhookDelivery);
  try {
    await store.load();
    await servers.start(app.getHttpAdapter().getInstance());
  } catch (error) {
    // A taken OAuth port or an unreadable state file: release what started.
    await servers.close();
    await app.close();
    throw error;
  }
  resolved.logger.info(
    { oauthUrl: servers.oauthUrl, companies: store.companies().length },
    'Pipedrive sandbox started',
  );

  let closing: Promise<void> | null = null;

  return {
    oauthUrl: servers.oauthUrl,
    apiDomain: (companyId) => servers.apiDomain(companyId),
    companies: () => listCompanies(store, servers),
    close: () => {
      closing ??= (async () => {
        delivery.cancelAll();
        await servers.close();
        await store.flush();
        await app.close();
        resolved.logger.info({}, 'Pipedrive sandbox stopped');
      })();

      return closing;
    },
  };
}
