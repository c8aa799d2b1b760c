import { Module } from '@nestjs/common';
import { PipedriveModule } from '../../pipedrive/pipedrive.module';
import { ProductFieldsController } from './product-fields.controller';
import { ProductFieldsService } from './product-fields.service';

@Module({
  imports: [PipedriveModule],
  controllers: [ProductFieldsController],
  providers: [ProductFieldsService],
  exports: [ProductFieldsService],
})
export class ProductFieldsModule {}
