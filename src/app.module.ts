import { type Writable } from 'node:stream';
import { type DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { LoggerModule } from 'nestjs-pino';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { createLoggerOptions } from './common/logging/logger.options';
import { GatewayConfigModule } from './config/config.module';
import { type GatewayConfig } from './config/gateway-config';
import { CryptoModule } from './crypto/crypto.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { OAuthModule } from './oauth/oauth.module';
import { ProxyModule } from './proxy/proxy.module';
import { DealsSummaryModule } from './resources/deals-summary/deals-summary.module';
import { FilesModule } from './resources/files/files.module';
import { LeadsModule } from './resources/leads/leads.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { NotesModule } from './resources/notes/notes.module';
import { ProductFieldsModule } from './resources/product-fields/product-fields.module';
import { UserSettingsModule } from './resources/user-settings/user-settings.module';

/**
 * The gateway. Resource modules come before the generic proxy so that their
 * typed routes match first.
 */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, logStream?: Writable): DynamicModule {
    return {
      module: AppModule,
      imports: [
        GatewayConfigModule.forRoot(config),
        LoggerModule.forRoot(createLoggerOptions(config.logLevel, logStream)),
        EventEmitterModule.forRoot(),
        MetricsModule,
        CryptoModule,
        DatabaseModule,
        AuthModule,
        HealthModule,
        OAuthModule,
        LeadsModule,
        WebhooksModule,
        NotesModule,
        FilesModule,
        ProductFieldsModule,
        UserSettingsModule,
        DealsSummaryModule,
        AdminModule,
        // Keep last: its wildcard routes must not shadow typed routes.
        ProxyModule,
      ],
    };
  }
}
