export interface SandboxLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SandboxOptions {
  /** Port of the OAuth server and the /_sandbox controls. 0 picks a free port. */
  port: number;
  /** Listening address. Defaults to 127.0.0.1. */
  host?: string;
  /** The one registered Marketplace app. */
  app: {
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    scopes?: string[];
  };
  /** When set, state is saved to this file and reloaded at start. */
  stateFile?: string;
  /** Access token lifetime in seconds. Defaults to 3600. */
  accessTokenTtlSeconds?: number;
  /** Delays before the 2nd, 3rd, ... delivery attempt. Defaults to 3, 30, 150 s. */
  webhookRetryDelaysMs?: number[];
  /** A delivery that takes longer than this fails. Defaults to 10 s. */
  webhookTimeoutMs?: number;
  /** Burst limit per token over a rolling window. Defaults to 80 per 2 s. */
  rateLimit?: { burst: number; windowSeconds: number };
  logger?: SandboxLogger;
  /** Clock in epoch milliseconds, for tests that move time. Defaults to Date.now. */
  now?: () => number;
}

/** Full scope set granted when the app registers none. */
export const DEFAULT_APP_SCOPES = [
  'base',
  'deals:full',
  'leads:full',
  'contacts:full',
  'products:full',
  'product-fields:full',
  'admin',
  'users:read',
  'activities:full',
  'mail:read',
];

export interface ResolvedSandboxOptions {
  port: number;
  host: string;
  app: { clientId: string; clientSecret: string; redirectUri: string };
  appScopes: string[];
  stateFile: string | null;
  accessTokenTtlSeconds: number;
  webhookRetryDelaysMs: number[];
  webhookTimeoutMs: number;
  rateLimit: { burst: number; windowSeconds: number };
  logger: SandboxLogger;
  now: () => number;
}

export const SANDBOX_OPTIONS = Symbol('SANDBOX_OPTIONS');

const silentLogger: SandboxLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export function resolveSandboxOptions(
  options: SandboxOptions,
): ResolvedSandboxOptions {
  return {
    port: options.port,
    host: options.host ?? '127.0.0.1',
    app: {
      clientId: options.app.clientId,
      clientSecret: options.app.clientSecret,
      redirectUri: options.app.redirectUri,
    },
    appScopes: options.app.scopes ?? DEFAULT_APP_SCOPES,
    stateFile: options.stateFile ?? null,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    webhookRetryDelaysMs: options.webhookRetryDelaysMs ?? [3000, 30000, 150000],
    webhookTimeoutMs: options.webhookTimeoutMs ?? 10000,
    rateLimit: options.rateLimit ?? { burst: 80, windowSeconds: 2 },
    logger: options.logger ?? silentLogger,
    now: options.now ?? Date.now,
  };
}
