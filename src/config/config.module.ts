import { type DynamicModule, Global, Module } from '@nestjs/common';
import { type GatewayConfig } from './gateway-config';

/** Injection token of the resolved GatewayConfig. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** Provides the configuration that `main.ts` (or a test) resolved. */
@Global()
@Module({})
export class GatewayConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayConfigModule,
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
  }
}
