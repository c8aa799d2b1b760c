import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from '../auth/api-key.entity';
import { AuditModule } from '../audit/audit.module';
import { PipedriveModule } from '../pipedrive/pipedrive.module';
import { AdminApiKeysController } from './admin-api-keys.controller';
import { AdminApiKeysService } from './admin-api-keys.service';
import { AdminAuditLogController } from './admin-audit-log.controller';
import { AdminConsoleController } from './admin-console.controller';
import { AdminInstallationsController } from './admin-installations.controller';
import { AdminInstallationsService } from './admin-installations.service';

/** The admin API (installations, API keys, audit log) and its console page. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey]), AuditModule, PipedriveModule],
  controllers: [
    AdminConsoleController,
    AdminInstallationsController,
    AdminApiKeysController,
    AdminAuditLogController,
  ],
  providers: [AdminInstallationsService, AdminApiKeysService],
})
export class AdminModule {}
