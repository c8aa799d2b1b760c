import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { type INestApplication } from '@nestjs/common';
import pino from 'pino';
import { ConfigurationError, loadConfig } from './config/load-config';
import { type GatewayConfig } from './config/gateway-config';
import { createGatewayApp } from './create-app';
import {
  type EmbeddedDatabase,
  startEmbeddedDatabase,
} from './database/embedded-database';
import { type SandboxHandle, startSandbox } from './sandbox/sandbox';

/**
 * Starts the gateway: reads `.env`, validates the configuration, starts the
 * embedded PostgreSQL when DATABASE_URL is unset and the Pipedrive sandbox
 * when no Pipedrive credentials are set, then serves HTTP. SIGINT and
 * SIGTERM stop it in the reverse order.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) {
    process.loadEnvFile('.env');
  }
  let loaded;
  try {
    loaded = loadConfig();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { config, generatedAdminKey } = loaded;
  const logger = pino({ level: config.logLevel });

  let database: EmbeddedDatabase | undefined;
  let sandbox: SandboxHandle | undefined;
  let app: INestApplication | undefined;
  const stop = async (): Promise<void> => {
    await app?.close();
    await sandbox?.close();
    await database?.stop();
  };

  try {
    if (!config.databaseUrl) {
      database = await startEmbeddedDatabase({
        dataDir: config.dataDir,
        onLog: (message) =>
          logger.debug({ component: 'postgres' }, message.trim()),
      });
      config.databaseUrl = database.url;
      logger.info(
        { dataDir: config.dataDir, port: database.port },
        'embedded PostgreSQL started',
      );
    } else {
      logger.info('using PostgreSQL at DATABASE_URL');
    }
    if (config.sandboxMode) {
      sandbox = await startSandboxFor(config, logger);
    }
    app = await createGatewayApp(config);
    await app.listen(config.port, '0.0.0.0');
  } catch (error) {
    logger.error({ err: error }, 'gateway failed to start');
    await stop().catch(() => undefined);
    process.exit(1);
  }

  printWelcome(config, logger, generatedAdminKey);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'stopping: finishing requests in flight');
      // A second signal, or a stop that hangs, ends the process at once.
      process.once(signal, () => process.exit(1));
      setTimeout(() => {
        logger.error('stop took longer than 30 s; exiting');
        process.exit(1);
      }, 30_000).unref();
      stop().then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'stop failed');
          process.exit(1);
        },
      );
    });
  }
}

async function startSandboxFor(
  config: GatewayConfig,
  logger: pino.Logger,
): Promise<SandboxHandle> {
  const sandbox = await startSandbox({
    port: config.pipedrive.sandboxPort,
    app: {
      clientId: config.pipedrive.clientId,
      clientSecret: config.pipedrive.clientSecret,
      redirectUri: config.pipedrive.redirectUri,
    },
    stateFile: `${config.dataDir}/sandbox-state.json`,
    logger: logger.child({ component: 'sandbox' }),
  });
  config.pipedrive.oauthUrl = sandbox.oauthUrl;
  logger.info(
    { oauthUrl: sandbox.oauthUrl },
    'sandbox mode: Pipedrive sandbox started',
  );

  return sandbox;
}

function printWelcome(
  config: GatewayConfig,
  logger: pino.Logger,
  generatedAdminKey?: string,
): void {
  logger.info(
    {
      url: config.publicUrl,
      mode: config.sandboxMode ? 'sandbox' : 'pipedrive',
      database: config.databaseUrl?.includes('127.0.0.1')
        ? 'embedded or local'
        : 'DATABASE_URL',
    },
    'gateway listening',
  );
  const lines = [
    '',
    `Pipedrive Gateway is running at ${config.publicUrl}`,
    `  Install a company:  ${config.publicUrl}/oauth/authorize`,
    `  Admin console:      ${config.publicUrl}/admin`,
    `  API documentation:  ${config.publicUrl}/docs`,
  ];
  if (config.sandboxMode) {
    lines.push(
      `  Pipedrive sandbox:  ${config.pipedrive.oauthUrl} (no Pipedrive account needed)`,
    );
  }
  if (generatedAdminKey) {
    lines.push(
      '',
      `  Admin API key (shown once; also in ${config.dataDir}/sandbox-secrets.json):`,
      `    ${generatedAdminKey}`,
    );
  } else if (config.sandboxMode) {
    lines.push(
      '',
      `  Admin API key: see ${config.dataDir}/sandbox-secrets.json`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

void main();
