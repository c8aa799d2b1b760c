import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type EncryptionKey } from '../config/gateway-config';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A token encrypted at rest, with the id of the key that encrypted it. */
export interface EncryptedValue {
  keyId: string;
  /** base64 of nonce, ciphertext and GCM tag. */
  ciphertext: string;
}

/**
 * AES-256-GCM over a key ring: the first key encrypts, any key decrypts.
 * Every value gets a fresh random 96-bit nonce, and the installation id is
 * bound as additional data so a ciphertext copied to another row fails.
 */
export class TokenCipher {
  private readonly keysById: Map<string, Buffer>;

  constructor(private readonly keys: EncryptionKey[]) {
    if (keys.length === 0) {
      throw new Error('TokenCipher needs at least one key');
    }
    this.keysById = new Map(keys.map((entry) => [entry.id, entry.key]));
  }

  get primaryKeyId(): string {
    return this.keys[0].id;
  }

  encrypt(plaintext: string, context: string): EncryptedValue {
    const { id, key } = this.keys[0];
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([
      cipher.update(plaintext, 'utf8'),
      cipher.final(),
    ]);
    const tag = cipher.getAuthTag();

    return {
      keyId: id,
      ciphertext: Buffer.concat([nonce, body, tag]).toString('base64'),
    };
  }

  /** Throws when the key id is unknown or the value was tampered with. */
  decrypt(value: EncryptedValue, context: string): string {
    const key = this.keysById.get(value.keyId);
    if (!key) {
      throw new Error(
        `Token was encrypted with key "${value.keyId}", which is not in TOKEN_ENCRYPTION_KEYS`,
      );
    }
    const raw = Buffer.from(value.ciphertext, 'base64');
    const nonce = raw.subarray(0, NONCE_BYTES);
    const tag = raw.subarray(raw.length - TAG_BYTES);
    const body = raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);

    return Buffer.concat([decipher.update(body), decipher.final()]).toString(
      'utf8',
    );
  }
}
