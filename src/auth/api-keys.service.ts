import { randomBytes } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Client } from 'pg';
import { IsNull, type Repository } from 'typeorm';
import { GATEWAY_CONFIG } from '../config/config.module';
import { type GatewayConfig } from '../config/gateway-config';
import { sha256Hex } from '../crypto/secret-hash';
import { ApiKey } from './api-key.entity';
import { type Caller } from './caller';

export const API_KEY_PREFIX = 'pgw_';
/**
 * A cached lookup is trusted this long. Revocations reach every process at
 * once through PostgreSQL NOTIFY; the limit bounds staleness should the
 * listening connection fail.
 */
const CACHE_TTL_MS = 5_000;
const REVOKED_CHANNEL = 'api_key_revoked';
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

interface CachedKey {
  caller: Extract<Caller, { kind: 'api_key' }> | null;
  expiresAt: number;
}

/**
 * Service API keys: created with 32 random bytes, shown once, stored as
 * SHA-256 (enough for a high-entropy secret that is only looked up).
 */
@Injectable()
export class ApiKeysService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly cache = new Map<string, CachedKey>();
  private readonly lastUsedWrites = new Map<string, number>();
  private listener: Client | null = null;

  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Listens for revocations made by any gateway process. */
  async onModuleInit(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl });
    client.on('notification', () => this.cache.clear());
    client.on('error', (error) => {
      // Without the listener, lookups are not cached at all (see authenticate).
      this.logger.warn(
        { err: error },
        'API key revocation listener failed; key lookups are no longer cached',
      );
      this.listener = null;
      this.cache.clear();
    });
    await client.connect();
    await client.query(`LISTEN ${REVOKED_CHANNEL}`);
    this.listener = client;
  }

  async onApplicationShutdown(): Promise<void> {
    const client = this.listener;
    this.listener = null;
    await client?.end().catch(() => undefined);
  }

  async create(
    name: string,
    companyIds: number[] | null,
  ): Promise<{ record: ApiKey; key: string }> {
    const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const record = this.keys.create({
      name,
      keyHash: sha256Hex(key),
      keyPrefix: key.slice(0, 12),
      companyIds,
    });
    await this.keys.insert(record);

    return { record: await this.keys.findOneByOrFail({ id: record.id }), key };
  }

  /** Returns false when the key does not exist or was revoked already. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.keys.update(
      { id, revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
    this.cache.clear();
    await this.keys.query('SELECT pg_notify($1, $2)', [REVOKED_CHANNEL, id]);

    return (result.affected ?? 0) > 0;
  }

  /** The caller for a presented key, or null when it is unknown or revoked. */
  async authenticate(
    presented: string,
  ): Promise<Extract<Caller, { kind: 'api_key' }> | null> {
    const hash = sha256Hex(presented);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > now) {
      this.recordUse(cached.caller, now);

      return cached.caller;
    }
    const record = await this.keys.findOne({
      where: { keyHash: hash, revokedAt: IsNull() },
    });
    const caller = record
      ? {
          kind: 'api_key' as const,
          id: record.id,
          name: record.name,
          companyIds: record.companyIds,
        }
      : null;
    if (this.cache.size > 10_000) {
      this.cache.clear();
    }
    if (this.listener) {
      this.cache.set(hash, { caller, expiresAt: now + CACHE_TTL_MS });
    }
    this.recordUse(caller, now);

    return caller;
  }

  /** Writes last_used_at at most once a minute per key in each process, off the request path. */
  private recordUse(caller: CachedKey['caller'], now: number): void {
    if (!caller) {
      return;
    }
    const last = this.lastUsedWrites.get(caller.id) ?? 0;
    if (now - last < LAST_USED_WRITE_INTERVAL_MS) {
      return;
    }
    this.lastUsedWrites.set(caller.id, now);
    this.keys
      .update({ id: caller.id }, { lastUsedAt: new Date(now) })
      .catch((error: unknown) => {
        this.logger.warn(
          { err: error, apiKeyId: caller.id },
          'recording API key use failed',
        );
      });
  }
}
