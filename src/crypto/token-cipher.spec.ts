import { randomBytes } from 'node:crypto';
import { TokenCipher } from './token-cipher';

describe('TokenCipher', () => {
  const oldKey = { id: 'old', key: randomBytes(32) };
  const newKey = { id: 'new', key: randomBytes(32) };

  it('round-trips a token and names its key', () => {
    const cipher = new TokenCipher([oldKey]);
    const value = cipher.encrypt('secret-token', 'installation-1');

    expect(value.keyId).toBe('old');
    expect(value.ciphertext).not.toContain('secret-token');
    expect(cipher.decrypt(value, 'installation-1')).toBe('secret-token');
  });

  it('uses a fresh nonce for every value', () => {
    const cipher = new TokenCipher([oldKey]);

    const first = cipher.encrypt('same', 'ctx').ciphertext;
    const second = cipher.encrypt('same', 'ctx').ciphertext;

    expect(first).not.toBe(second);
  });

  it('decrypts with a non-primary key after rotation', () => {
    const value = new TokenCipher([oldKey]).encrypt('token', 'ctx');
    const rotated = new TokenCipher([newKey, oldKey]);

    expect(rotated.primaryKeyId).toBe('new');
    expect(rotated.decrypt(value, 'ctx')).toBe('token');
  });

  it('rejects a value bound to another installation', () => {
    const cipher = new TokenCipher([oldKey]);
    const value = cipher.encrypt('token', 'installation-1');

    expect(() => cipher.decrypt(value, 'installation-2')).toThrow();
  });

  it('rejects a tampered value', () => {
    const cipher = new TokenCipher([oldKey]);
    const value = cipher.encrypt('token', 'ctx');
    const raw = Buffer.from(value.ciphertext, 'base64');
    raw[14] ^= 1;

    expect(() =>
      cipher.decrypt({ ...value, ciphertext: raw.toString('base64') }, 'ctx'),
    ).toThrow();
  });

  it('names a key that is no longer configured', () => {
    const value = new TokenCipher([oldKey]).encrypt('token', 'ctx');

    expect(() => new TokenCipher([newKey]).decrypt(value, 'ctx')).toThrow(
      /key "old"/,
    );
  });
});
