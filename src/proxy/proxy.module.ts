import { Module } from '@nestjs/common';
import { PipedriveModule } from '../pipedrive/pipedrive.module';
import { ProxyController } from './proxy.controller';

/**
 * The generic pass-through to Pipedrive. Import it last in AppModule, because
 * its wildcard routes would otherwise shadow the typed resource routes.
 */
@Module({
  imports: [PipedriveModule],
  controllers: [ProxyController],
})
export class ProxyModule {}
