import { join, resolve } from 'node:path';
import pino from 'pino';
import { startSandbox } from './sandbox';

/**
 * `npm run sandbox`: runs the Pipedrive sandbox alone, for gateways that are
 * configured separately. Prints the settings a gateway needs to use it.
 */
async function main(): Promise<void> {
  const logger = pino({ name: 'pipedrive-sandbox' });
  const port = Number(process.env.PORT ?? 3001);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `PORT is invalid: expected an integer from 0 to 65535, got "${process.env.PORT}"`,
    );
  }
  const dataDir = resolve(process.env.DATA_DIR ?? './.data');
  // The gateway's in-process sandbox uses sandbox-state.json in the same
  // directory, so this one keeps its own file to avoid mixing ports and tokens.
  const stateFile = join(dataDir, 'sandbox-standalone-state.json');
  const app = {
    clientId: process.env.PIPEDRIVE_CLIENT_ID ?? 'sandbox-client-id',
    clientSecret:
      process.env.PIPEDRIVE_CLIENT_SECRET ?? 'sandbox-client-secret',
    redirectUri:
      process.env.PIPEDRIVE_REDIRECT_URI ??
      'http://localhost:3000/oauth/callback',
  };

  const sandbox = await startSandbox({
    port,
    app,
    stateFile,
    logger,
  });

  // The client secret is the operator's own setting. It is printed so a
  // gateway can be configured with the same values, but never logged.
  const lines = [
    'Pipedrive sandbox is running. Configure a gateway with:',
    `  PIPEDRIVE_CLIENT_ID=${app.clientId}`,
    `  PIPEDRIVE_CLIENT_SECRET=${app.clientSecret}`,
    `  PIPEDRIVE_REDIRECT_URI=${app.redirectUri}`,
    `  PIPEDRIVE_OAUTH_URL=${sandbox.oauthUrl}`,
    `  PIPEDRIVE_API_DOMAIN_ALLOWLIST=http://127.0.0.1:*`,
    'Companies:',
    ...sandbox
      .companies()
      .map(
        (company) => `  ${company.id} ${company.name}: ${company.apiDomain}`,
      ),
    `State file: ${stateFile}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'Stopping Pipedrive sandbox');
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'Stopping Pipedrive sandbox failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Pipedrive sandbox failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
