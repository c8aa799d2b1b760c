import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import { CallerAuthGuard } from './caller-auth.guard';
import { ExtensionJwtVerifier } from './extension-jwt.verifier';
import { FailedAuthThrottle } from './failed-auth.throttle';

/** Caller authentication, applied to every route by a global guard. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey])],
  providers: [
    ApiKeysService,
    ExtensionJwtVerifier,
    FailedAuthThrottle,
    { provide: APP_GUARD, useClass: CallerAuthGuard },
  ],
  exports: [ApiKeysService],
})
export class AuthModule {}
