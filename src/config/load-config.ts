import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  ENVIRONMENT_VARIABLE_NAMES,
  EnvironmentVariables,
  type EncryptionKey,
  type GatewayConfig,
} from './gateway-config';

const DEFAULT_ALLOWLIST = 'https://*.pipedrive.com';
const SANDBOX_ALLOWLIST = 'http://127.0.0.1:*';
const NUMERIC_VARIABLES = ['PORT', 'PIPEDRIVE_SANDBOX_PORT'] as const;

/** Raised with every invalid variable listed, one per line. */
export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration:\n${problems.map((line) => `  - ${line}`).join('\n')}\n` +
        'Set these variables in the environment or in .env (see .env.example).',
    );
    this.name = 'ConfigurationError';
  }
}

/** Secrets generated in sandbox mode, kept in `DATA_DIR` between runs. */
interface SandboxSecrets {
  clientId: string;
  clientSecret: string;
  tokenEncryptionKeys: string;
  adminApiKey: string;
}

export interface LoadedConfig {
  config: GatewayConfig;
  /** Set when this start generated the admin key, so it is shown once. */
  generatedAdminKey?: string;
}

/**
 * Validates the environment and resolves defaults. In sandbox mode (no
 * Pipedrive client credentials) the app credentials, encryption key and
 * admin key are generated into `DATA_DIR/sandbox-secrets.json` unless given.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const raw: Record<string, string | number> = {};
  for (const key of ENVIRONMENT_VARIABLE_NAMES) {
    const value = env[key];
    if (value !== undefined && value !== '') {
      raw[key] = value;
    }
  }
  const problems: string[] = [];
  for (const key of NUMERIC_VARIABLES) {
    if (raw[key] !== undefined) {
      const text = String(raw[key]);
      raw[key] = /^\d+$/.test(text) ? Number(text) : text;
    }
  }
  const variables = plainToInstance(EnvironmentVariables, raw);
  for (const error of validateSync(variables)) {
    const messages = Object.values(error.constraints ?? {});
    problems.push(
      ...messages.map((message) => `${error.property}: ${message}`),
    );
  }

  const nodeEnv = variables.NODE_ENV ?? 'development';
  const hasClientId = Boolean(variables.PIPEDRIVE_CLIENT_ID);
  const hasClientSecret = Boolean(variables.PIPEDRIVE_CLIENT_SECRET);
  if (hasClientId !== hasClientSecret) {
    problems.push(
      'PIPEDRIVE_CLIENT_ID and PIPEDRIVE_CLIENT_SECRET: set both (the app credentials from Pipedrive Developer Hub), or neither for sandbox mode',
    );
  }
  const sandboxMode = !hasClientId && !hasClientSecret;
  if (sandboxMode && nodeEnv === 'production') {
    problems.push(
      'PIPEDRIVE_CLIENT_ID and PIPEDRIVE_CLIENT_SECRET: required when NODE_ENV=production, because sandbox mode and generated secrets are for development only',
    );
  }
  if (!sandboxMode && !variables.TOKEN_ENCRYPTION_KEYS) {
    problems.push(
      'TOKEN_ENCRYPTION_KEYS: required outside sandbox mode, as id:base64key with a 32-byte key',
    );
  }
  if (!sandboxMode && !variables.ADMIN_API_KEY) {
    problems.push(
      'ADMIN_API_KEY: required outside sandbox mode, a random string of at least 24 characters',
    );
  }
  const keys = variables.TOKEN_ENCRYPTION_KEYS
    ? parseEncryptionKeys(variables.TOKEN_ENCRYPTION_KEYS, problems)
    : [];
  if (problems.length > 0) {
    throw new ConfigurationError(problems);
  }

  const port = variables.PORT ?? 3000;
  const publicUrl = stripTrailingSlash(
    variables.PUBLIC_URL ?? `http://localhost:${port}`,
  );
  const dataDir = resolve(variables.DATA_DIR ?? './.data');
  const sandboxPort = variables.PIPEDRIVE_SANDBOX_PORT ?? 3001;
  let generatedAdminKey: string | undefined;
  let clientId = variables.PIPEDRIVE_CLIENT_ID ?? '';
  let clientSecret = variables.PIPEDRIVE_CLIENT_SECRET ?? '';
  let tokenEncryptionKeys = keys;
  let adminApiKey = variables.ADMIN_API_KEY ?? '';
  if (sandboxMode) {
    const { secrets, created } = readOrCreateSandboxSecrets(dataDir);
    clientId = secrets.clientId;
    clientSecret = secrets.clientSecret;
    if (tokenEncryptionKeys.length === 0) {
      tokenEncryptionKeys = parseEncryptionKeys(
        secrets.tokenEncryptionKeys,
        [],
      );
    }
    if (!adminApiKey) {
      adminApiKey = secrets.adminApiKey;
      generatedAdminKey = created ? adminApiKey : undefined;
    }
  }

  const allowlist = (
    variables.PIPEDRIVE_API_DOMAIN_ALLOWLIST ?? DEFAULT_ALLOWLIST
  )
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (sandboxMode) {
    allowlist.push(SANDBOX_ALLOWLIST);
  }

  const config: GatewayConfig = {
    nodeEnv,
    port,
    publicUrl,
    databaseUrl: variables.DATABASE_URL,
    dataDir,
    sandboxMode,
    pipedrive: {
      clientId,
      clientSecret,
      redirectUri:
        variables.PIPEDRIVE_REDIRECT_URI ?? `${publicUrl}/oauth/callback`,
      oauthUrl: stripTrailingSlash(
        variables.PIPEDRIVE_OAUTH_URL ??
          (sandboxMode
            ? `http://127.0.0.1:${sandboxPort}`
            : 'https://oauth.pipedrive.com'),
      ),
      jwtSecret: variables.PIPEDRIVE_JWT_SECRET ?? clientSecret,
      apiDomainAllowlist: allowlist,
      sandboxPort,
    },
    tokenEncryptionKeys,
    adminApiKey,
    logLevel: variables.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info'),
    tokens: {
      refreshMarginSeconds: 300,
      sweepIdleDays: 30,
      sweepIntervalSeconds: 3600,
    },
    upstream: {
      timeoutMs: 30_000,
      rateLimitMaxWaitMs: 10_000,
      defaultBurst: 80,
      burstWindowMs: 2_000,
    },
    requestBodyLimitBytes: 10 * 1024 * 1024,
  };

  return { config, generatedAdminKey };
}

/** Parses `id:base64key` pairs; problems are appended, not thrown. */
export function parseEncryptionKeys(
  value: string,
  problems: string[],
): EncryptionKey[] {
  const keys: EncryptionKey[] = [];
  const seen = new Set<string>();
  for (const pair of value.split(',')) {
    const [id, encoded] = pair.trim().split(':');
    const key = Buffer.from(encoded ?? '', 'base64');
    if (key.length !== 32) {
      problems.push(
        `TOKEN_ENCRYPTION_KEYS: key "${id}" must decode to 32 bytes, got ${key.length}`,
      );
      continue;
    }
    if (seen.has(id)) {
      problems.push(`TOKEN_ENCRYPTION_KEYS: key id "${id}" appears twice`);
      continue;
    }
    seen.add(id);
    keys.push({ id, key });
  }

  return keys;
}

function readOrCreateSandboxSecrets(dataDir: string): {
  secrets: SandboxSecrets;
  created: boolean;
} {
  const file = join(dataDir, 'sandbox-secrets.json');
  if (existsSync(file)) {
    return {
      secrets: JSON.parse(readFileSync(file, 'utf8')) as SandboxSecrets,
      created: false,
    };
  }
  const secrets: SandboxSecrets = {
    clientId: `sandbox-${randomBytes(8).toString('hex')}`,
    clientSecret: randomBytes(24).toString('base64url'),
    tokenEncryptionKeys: `sandbox1:${randomBytes(32).toString('base64')}`,
    adminApiKey: `adm_${randomBytes(24).toString('base64url')}`,
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });

  return { secrets, created: true };
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
