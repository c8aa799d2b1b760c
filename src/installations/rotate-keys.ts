import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { ConfigurationError, loadConfig } from '../config/load-config';
import { TokenCipher } from '../crypto/token-cipher';
import {
  accessTokenContext,
  refreshTokenContext,
} from './installation-snapshot';

export interface RotationResult {
  rotated: number;
  /** Installations whose key is not in TOKEN_ENCRYPTION_KEYS. */
  failed: string[];
}

const BATCH_SIZE = 100;

/**
 * Re-encrypts every stored token under the first key of the cipher, one
 * installation per short transaction under its row lock, so gateways keep
 * serving (and refreshing) while it runs. Gateways must already have the
 * new key in their TOKEN_ENCRYPTION_KEYS, since rotated rows need it.
 */
export async function rotateTokenKeys(
  client: Client,
  cipher: TokenCipher,
): Promise<RotationResult> {
  const primary = cipher.primaryKeyId;
  const failed: string[] = [];
  let rotated = 0;
  for (;;) {
    const batch = await client.query<{ id: string }>(
      `SELECT id FROM installations
       WHERE token_key_id IS NOT NULL AND token_key_id <> $1 AND NOT (id = ANY($2::uuid[]))
       ORDER BY id LIMIT $3`,
      [primary, failed, BATCH_SIZE],
    );
    if (batch.rowCount === 0) {
      return { rotated, failed };
    }
    for (const { id } of batch.rows) {
      if (await rotateOne(client, cipher, id)) {
        rotated++;
      } else {
        failed.push(id);
      }
    }
  }
}

async function rotateOne(
  client: Client,
  cipher: TokenCipher,
  id: string,
): Promise<boolean> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{
      token_key_id: string | null;
      access_token_ciphertext: string | null;
      refresh_token_ciphertext: string | null;
    }>(
      `SELECT token_key_id, access_token_ciphertext, refresh_token_ciphertext
       FROM installations WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const row = rows[0];
    if (!row?.token_key_id || row.token_key_id === cipher.primaryKeyId) {
      await client.query('COMMIT');

      return true;
    }
    const reencrypt = (
      ciphertext: string | null,
      context: string,
    ): string | null =>
      ciphertext === null
        ? null
        : cipher.encrypt(
            cipher.decrypt({ keyId: row.token_key_id!, ciphertext }, context),
            context,
          ).ciphertext;
    await client.query(
      `UPDATE installations
       SET access_token_ciphertext = $2, refresh_token_ciphertext = $3, token_key_id = $4
       WHERE id = $1`,
      [
        id,
        reencrypt(row.access_token_ciphertext, accessTokenContext(id)),
        reencrypt(row.refresh_token_ciphertext, refreshTokenContext(id)),
        cipher.primaryKeyId,
      ],
    );
    await client.query('COMMIT');

    return true;
  } catch (error) {
    await client.query('ROLLBACK');
    process.stderr.write(`installation ${id}: ${(error as Error).message}\n`);

    return false;
  }
}

/** `npm run keys:rotate`: needs DATABASE_URL and the new key first in TOKEN_ENCRYPTION_KEYS. */
async function main(): Promise<void> {
  if (existsSync('.env')) {
    process.loadEnvFile('.env');
  }
  let config;
  try {
    ({ config } = loadConfig());
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  if (!config.databaseUrl) {
    process.stderr.write(
      'DATABASE_URL is not set. With the embedded PostgreSQL, start the gateway and run this command with DATABASE_URL set to the URL the gateway logs, or stop the gateway and set DATABASE_URL to a server you run.\n',
    );
    process.exit(1);
  }
  const client = new Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    const cipher = new TokenCipher(config.tokenEncryptionKeys);
    const result = await rotateTokenKeys(client, cipher);
    process.stdout.write(
      `Re-encrypted the tokens of ${result.rotated} installations under key "${cipher.primaryKeyId}".\n`,
    );
    if (result.failed.length > 0) {
      process.stderr.write(
        `${result.failed.length} installations could not be decrypted with TOKEN_ENCRYPTION_KEYS: ${result.failed.join(', ')}\n`,
      );
      process.exitCode = 2;
    }
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  void main();
}
