import { DataSource } from 'typeorm';
import { createDataSourceOptions } from './typeorm-options';

/**
 * The data source of the TypeORM command line (`npm run migration:generate`).
 * It needs DATABASE_URL; the gateway itself applies migrations at start.
 */
const url = process.env.DATABASE_URL;
if (!url) {
  throw new Error(
    'DATABASE_URL is not set: the TypeORM command line needs a PostgreSQL connection string, e.g. postgres://user:password@127.0.0.1:5432/gateway',
  );
}

export default new DataSource({
  ...createDataSourceOptions(url),
  entities: [`${__dirname}/../**/*.entity.ts`],
});
