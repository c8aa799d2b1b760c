import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type Writable } from 'node:stream';
import cookieParser from 'cookie-parser';
import { json, raw, urlencoded, type Request } from 'express';
import { Logger } from 'nestjs-pino';
import { rejectDeepJson } from './common/http/json-depth';
import { StartupQuietLogger } from './common/logging/startup-quiet.logger';
import { setupOpenApi } from './admin/openapi';
import { AppModule } from './app.module';
import { GatewayExceptionFilter } from './common/errors/gateway-exception.filter';
import { createValidationPipe } from './common/errors/validation';
import { type GatewayConfig } from './config/gateway-config';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { webhookBodyParser } from './webhooks/webhook-body-parser';

/** Bodies of requests proxied to Pipedrive, kept as bytes. */
export type RequestWithRawBody = Request & { rawBody?: Buffer };

const keepRawBody = (
  request: RequestWithRawBody,
  _response: unknown,
  buffer: Buffer,
): void => {
  rejectDeepJson(buffer);
  request.rawBody = buffer;
};

/**
 * Builds the gateway application (not yet listening): logger, body parsers
 * with limits, the global validation pipe and error envelope.
 */
export async function createGatewayApp(
  config: GatewayConfig,
  options: { logStream?: Writable } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, options.logStream),
    {
      bodyParser: false,
      bufferLogs: true,
      // Throw start-up errors to the caller (main.ts logs them) instead of exiting.
      abortOnError: false,
    },
  );
  app.useLogger(new StartupQuietLogger(app.get(Logger)));
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  // Only the OAuth callback reads a cookie (the state's browser binding).
  app.use('/oauth', cookieParser());

  // Webhook deliveries get their own smaller limit; see webhookBodyParser.
  app.use('/webhooks/pipedrive', webhookBodyParser(app.get(GatewayMetrics)));
  // Pipedrive's uninstall notice is a few hundred bytes of JSON.
  app.use('/oauth', json({ limit: '16kb', verify: keepRawBody }));
  const limit = config.requestBodyLimitBytes;
  app.use(
    json({
      limit,
      verify: keepRawBody,
      type: ['application/json', 'application/*+json'],
    }),
  );
  app.use(urlencoded({ limit, extended: false, verify: keepRawBody }));
  app.use('/companies', raw({ limit, type: () => true }));

  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new GatewayExceptionFilter());
  // main.ts handles SIGINT and SIGTERM itself, closing the app before the
  // sandbox and the embedded database, so Nest's own signal hooks stay off.
  setupOpenApi(app, config);

  return app;
}
