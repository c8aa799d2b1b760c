import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
} from 'class-validator';

const URL_OPTIONS = { require_tld: false, require_protocol: true };
const KEY_LIST_PATTERN =
  /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44}(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44})*$/;

/** Every variable the gateway reads; `.env.example` lists the same. */
export const ENVIRONMENT_VARIABLE_NAMES = [
  'NODE_ENV',
  'PORT',
  'PUBLIC_URL',
  'DATABASE_URL',
  'DATA_DIR',
  'PIPEDRIVE_CLIENT_ID',
  'PIPEDRIVE_CLIENT_SECRET',
  'PIPEDRIVE_REDIRECT_URI',
  'PIPEDRIVE_OAUTH_URL',
  'PIPEDRIVE_JWT_SECRET',
  'PIPEDRIVE_API_DOMAIN_ALLOWLIST',
  'PIPEDRIVE_SANDBOX_PORT',
  'TOKEN_ENCRYPTION_KEYS',
  'ADMIN_API_KEY',
  'LOG_LEVEL',
] as const;

/**
 * The gateway's environment, validated at start. Field names are the
 * environment variable names so that a validation error names the variable.
 */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsUrl(URL_OPTIONS)
  PUBLIC_URL?: string;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, {
    message: 'DATABASE_URL must be a postgres:// connection string',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  DATA_DIR?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  PIPEDRIVE_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  PIPEDRIVE_CLIENT_SECRET?: string;

  @IsOptional()
  @IsUrl(URL_OPTIONS)
  PIPEDRIVE_REDIRECT_URI?: string;

  @IsOptional()
  @IsUrl(URL_OPTIONS)
  PIPEDRIVE_OAUTH_URL?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  PIPEDRIVE_JWT_SECRET?: string;

  @IsOptional()
  @Matches(/^\s*https?:\/\/[^,\s]+(\s*,\s*https?:\/\/[^,\s]+)*\s*$/, {
    message:
      'PIPEDRIVE_API_DOMAIN_ALLOWLIST must be comma-separated origins such as https://*.pipedrive.com',
  })
  PIPEDRIVE_API_DOMAIN_ALLOWLIST?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  PIPEDRIVE_SANDBOX_PORT?: number;

  @IsOptional()
  @Matches(KEY_LIST_PATTERN, {
    message:
      "TOKEN_ENCRYPTION_KEYS must be comma-separated id:base64key pairs with 32-byte keys (make one with: node -e \"console.log('k1:'+require('crypto').randomBytes(32).toString('base64'))\")",
  })
  TOKEN_ENCRYPTION_KEYS?: string;

  @IsOptional()
  @IsString()
  @Matches(/^\S{24,}$/, {
    message: 'ADMIN_API_KEY must be at least 24 characters without spaces',
  })
  ADMIN_API_KEY?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;
}

/** An AES-256-GCM key from `TOKEN_ENCRYPTION_KEYS`. */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** The resolved configuration that the rest of the gateway reads. */
export interface GatewayConfig {
  nodeEnv: string;
  port: number;
  publicUrl: string;
  /** Unset means the embedded PostgreSQL, started by `main.ts`. */
  databaseUrl?: string;
  dataDir: string;
  /** True when no Pipedrive client credentials are set. */
  sandboxMode: boolean;
  pipedrive: {
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    oauthUrl: string;
    jwtSecret: string;
    apiDomainAllowlist: string[];
    sandboxPort: number;
  };
  /** The first key encrypts; every key decrypts. */
  tokenEncryptionKeys: EncryptionKey[];
  adminApiKey: string;
  logLevel: string;
  tokens: {
    /** Refresh this long before the access token expires. */
    refreshMarginSeconds: number;
    /** Refresh tokens unused this long are refreshed by the sweep. */
    sweepIdleDays: number;
    sweepIntervalSeconds: number;
  };
  upstream: {
    timeoutMs: number;
    /** Longest wait for a rate-limit slot before returning 429. */
    rateLimitMaxWaitMs: number;
    /** Burst limit assumed until Pipedrive's headers report another. */
    defaultBurst: number;
    burstWindowMs: number;
  };
  requestBodyLimitBytes: number;
}
