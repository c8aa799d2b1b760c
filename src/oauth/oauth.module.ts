import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PipedriveModule } from '../pipedrive/pipedrive.module';
import { OAuthController } from './oauth.controller';
import { OAuthFlowService } from './oauth-flow.service';
import { OAuthState } from './oauth-state.entity';
import { OAuthStateStore } from './oauth-state.store';
import { PipedriveStrategy } from './pipedrive.strategy';

@Module({
  imports: [TypeOrmModule.forFeature([OAuthState]), PipedriveModule],
  controllers: [OAuthController],
  providers: [OAuthFlowService, OAuthStateStore, PipedriveStrategy],
})
export class OAuthModule {}
