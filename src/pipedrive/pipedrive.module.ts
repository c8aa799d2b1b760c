import { Module } from '@nestjs/common';
import { InstallationsModule } from '../installations/installations.module';
import { PipedriveApiClient } from './pipedrive-api.client';

/** The Pipedrive API client that every resource module uses. */
@Module({
  imports: [InstallationsModule],
  providers: [PipedriveApiClient],
  exports: [PipedriveApiClient, InstallationsModule],
})
export class PipedriveModule {}
