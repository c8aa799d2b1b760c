import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GATEWAY_CONFIG } from '../config/config.module';
import { type GatewayConfig } from '../config/gateway-config';
import { createDataSourceOptions } from './typeorm-options';

/** TypeORM on PostgreSQL; pending migrations are applied at start. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => {
        if (!config.databaseUrl) {
          throw new Error('databaseUrl must be resolved before the app starts');
        }

        return {
          ...createDataSourceOptions(config.databaseUrl),
          autoLoadEntities: true,
          migrationsRun: true,
        };
      },
    }),
  ],
})
export class DatabaseModule {}
