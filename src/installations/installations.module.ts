import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PipedriveOAuthClient } from '../pipedrive/pipedrive-oauth.client';
import { Installation } from './installation.entity';
import { InstallationCache } from './installation-cache';
import { InstallationNotifier } from './installation-notifier';
import { InstallationsService } from './installations.service';
import { TenantResolver } from './tenant-resolver.service';
import { TokenMaintenanceService } from './token-maintenance.service';
import { TokenRefresher } from './token-refresher.service';

/** Installations, their encrypted tokens, and the token lifecycle. */
@Module({
  imports: [TypeOrmModule.forFeature([Installation])],
  providers: [
    InstallationCache,
    InstallationNotifier,
    InstallationsService,
    PipedriveOAuthClient,
    TenantResolver,
    TokenMaintenanceService,
    TokenRefresher,
  ],
  exports: [
    InstallationCache,
    InstallationsService,
    PipedriveOAuthClient,
    TenantResolver,
    TokenMaintenanceService,
    TokenRefresher,
    TypeOrmModule,
  ],
})
export class InstallationsModule {}
