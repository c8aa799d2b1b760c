import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startEmbeddedDatabase,
  type EmbeddedDatabase,
} from '../../src/database/embedded-database';

declare global {
  var embeddedDatabase: EmbeddedDatabase | undefined;
}

/**
 * Gives every test file a real PostgreSQL: the server at `DATABASE_URL` when
 * it is set, otherwise one embedded cluster for the whole run. Test files
 * create their own databases on it (see `test/support/database.ts`).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'gateway-test-pg-'));
  const database = await startEmbeddedDatabase({ dataDir });
  globalThis.embeddedDatabase = database;
  process.env.TEST_DATABASE_URL = database.url;
}
