import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ApiGate } from './api/api-gate.service';
import { CompanyData } from './api/company-data.service';
import { LeadsController } from './api/leads.controller';
import { RateLimiter } from './api/rate-limiter.service';
import { ScopeGuard } from './api/required-scopes';
import { DealsSummaryController } from './api/deals-summary.controller';
import { DealsV2Controller } from './api/deals-v2.controller';
import { FilesController } from './api/files.controller';
import { NotesController } from './api/notes.controller';
import { ProductFieldsController } from './api/product-fields.controller';
import { UserSettingsController } from './api/user-settings.controller';
import { UsersController } from './api/users.controller';
import { WebhooksController } from './api/webhooks.controller';
import { ControlsController } from './controls/controls.controller';
import { FaultInjector } from './controls/fault-injector.service';
import { Installations } from './oauth/installations.service';
import { OAuthController } from './oauth/oauth.controller';
import { TokenStore } from './oauth/token-store.service';
import { SandboxExceptionFilter } from './sandbox-exception.filter';
import {
  SANDBOX_OPTIONS,
  type ResolvedSandboxOptions,
} from './sandbox-options';
import { SandboxServers } from './sandbox-servers.service';
import { ActivityLog } from './state/activity-log.service';
import { SandboxStore } from './state/sandbox-store.service';
import { RecordEvents } from './webhooks/record-events.service';
import { WebhookDelivery } from './webhooks/webhook-delivery.service';

/** The whole sandbox: OAuth server, Pipedrive API and test controls. */
@Module({})
export class SandboxModule {
  static forRoot(options: ResolvedSandboxOptions): DynamicModule {
    return {
      module: SandboxModule,
      controllers: [
        OAuthController,
        ControlsController,
        UsersController,
        LeadsController,
        NotesController,
        FilesController,
        ProductFieldsController,
        UserSettingsController,
        DealsSummaryController,
        DealsV2Controller,
        WebhooksController,
      ],
      providers: [
        { provide: SANDBOX_OPTIONS, useValue: options },
        { provide: APP_GUARD, useClass: ScopeGuard },
        { provide: APP_FILTER, useClass: SandboxExceptionFilter },
        ActivityLog,
        ApiGate,
        CompanyData,
        FaultInjector,
        Installations,
        RateLimiter,
        SandboxServers,
        SandboxStore,
        RecordEvents,
        TokenStore,
        WebhookDelivery,
      ],
    };
  }
}
