import { Module } from '@nestjs/common';
import { PipedriveModule } from '../../pipedrive/pipedrive.module';
import { LeadsController } from './leads.controller';
import { LeadsService } from './leads.service';

/** Leads and archived leads. */
@Module({
  imports: [PipedriveModule],
  controllers: [LeadsController],
  providers: [LeadsService],
  exports: [LeadsService],
})
export class LeadsModule {}
