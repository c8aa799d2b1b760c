import { Global, Module } from '@nestjs/common';
import { GATEWAY_CONFIG } from '../config/config.module';
import { type GatewayConfig } from '../config/gateway-config';
import { TokenCipher } from './token-cipher';

@Global()
@Module({
  providers: [
    {
      provide: TokenCipher,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new TokenCipher(config.tokenEncryptionKeys),
    },
  ],
  exports: [TokenCipher],
})
export class CryptoModule {}
