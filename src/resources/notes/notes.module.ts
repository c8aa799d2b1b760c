import { Module } from '@nestjs/common';
import { PipedriveModule } from '../../pipedrive/pipedrive.module';
import { NotesController } from './notes.controller';
import { NotesService } from './notes.service';

@Module({
  imports: [PipedriveModule],
  controllers: [NotesController],
  providers: [NotesService],
  exports: [NotesService],
})
export class NotesModule {}
