import { Module } from '@nestjs/common';
import { PipedriveModule } from '../../pipedrive/pipedrive.module';
import { DealsSummaryController } from './deals-summary.controller';
import { DealsSummaryService } from './deals-summary.service';

@Module({
  imports: [PipedriveModule],
  controllers: [DealsSummaryController],
  providers: [DealsSummaryService],
  exports: [DealsSummaryService],
})
export class DealsSummaryModule {}
