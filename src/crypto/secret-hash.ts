import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** SHA-256 hex digest, used for high-entropy secrets that are only looked up. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function hmacSha256(key: string | Buffer, value: string): Buffer {
  return createHmac('sha256', key).update(value, 'utf8').digest();
}

/**
 * Compares two strings in time that depends only on their digests, so
 * neither the content nor the length of the secret leaks through timing.
 */
export function constantTimeEquals(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();

  return timingSafeEqual(left, right);
}
