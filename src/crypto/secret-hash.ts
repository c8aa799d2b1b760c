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
  return timingSafeEqual(sha256Digest(a), sha256Digest(b));
}

/** Like constantTimeEquals, with the secret's digest computed once beforehand. */
export function matchesDigest(
  presented: string,
  secretDigest: Buffer,
): boolean {
  return timingSafeEqual(sha256Digest(presented), secretDigest);
}

export function sha256Digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
