import { Module } from '@nestjs/common';
import { PipedriveModule } from '../../pipedrive/pipedrive.module';
import { FilesController } from './files.controller';
import { FilesService } from './files.service';

@Module({
  imports: [PipedriveModule],
  controllers: [FilesController],
  providers: [FilesService],
  exports: [FilesService],
})
export class FilesModule {}
