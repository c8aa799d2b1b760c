import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Full-jitter exponential backoff: a random delay between 0 and
 * `baseMs * 2^attempt`, capped at `maxMs`.
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
): number {
  return Math.random() * Math.min(maxMs, baseMs * 2 ** attempt);
}

export async function waitBackoff(
  attempt: number,
  baseMs: number,
  maxMs: number,
): Promise<void> {
  await sleep(backoffDelay(attempt, baseMs, maxMs));
}
