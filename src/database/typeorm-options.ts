import { join } from 'node:path';
import { type DataSourceOptions } from 'typeorm';

/**
 * Connection and migration settings shared by the application, the
 * migration commands and the tests. Migrations are the top-level
 * `migrations/` folder, compiled beside `dist/src` in a build.
 */
export function createDataSourceOptions(url: string): DataSourceOptions {
  const runningTypeScript = __filename.endsWith('.ts');

  return {
    type: 'postgres',
    url,
    migrations: [
      join(
        __dirname,
        '..',
        '..',
        'migrations',
        runningTypeScript ? '*.ts' : '*.js',
      ),
    ],
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    extra: {
      max: 20,
      connectionTimeoutMillis: 10_000,
      application_name: 'pipedrive-gateway',
    },
  };
}
