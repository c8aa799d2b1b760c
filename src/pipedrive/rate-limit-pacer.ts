import { setTimeout as sleep } from 'node:timers/promises';

/** Raised when a slot is further away than the caller may wait. */
export class RateLimitWaitTooLong extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`rate-limit slot is ${retryAfterSeconds} s away`);
  }
}

interface Bucket {
  limit: number;
  /** Planned send times within the window, ascending. */
  sends: number[];
  /** Pipedrive said no slot is free until then. */
  blockedUntil: number;
  lastUsed: number;
}

/** Sends are planned this much later than the window strictly allows. */
const SAFETY_MARGIN_MS = 30;
const IDLE_BUCKET_MS = 10 * 60_000;

/**
 * Spreads each installation's requests over Pipedrive's rolling burst
 * window, so that a burst waits for free slots instead of meeting 429s.
 * It keeps the planned send times of the last window per installation and
 * learns the limit from `x-ratelimit-limit`; `x-ratelimit-remaining: 0` and
 * 429s block the bucket until the reset. Buckets are per installation
 * (per token), so one company's exhausted budget never delays another.
 */
export class RateLimitPacer {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly defaultLimit: number,
    private readonly windowMs: number,
    private readonly maxWaitMs: number,
  ) {}

  /** Waits for a slot; throws RateLimitWaitTooLong rather than wait too long. */
  async acquire(key: string): Promise<number> {
    const now = Date.now();
    const bucket = this.bucket(key, now);
    let planned = Math.max(now, bucket.blockedUntil);
    const last = bucket.sends.at(-1);
    if (last !== undefined && last > planned) {
      planned = last;
    }
    if (bucket.sends.length >= bucket.limit) {
      const oldestInWindow = bucket.sends[bucket.sends.length - bucket.limit];
      planned = Math.max(planned, oldestInWindow + this.windowMs + SAFETY_MARGIN_MS);
    }
    const waitMs = planned - now;
    if (waitMs > this.maxWaitMs) {
      throw new RateLimitWaitTooLong(Math.ceil(waitMs / 1000));
    }
    bucket.sends.push(planned);
    if (waitMs > 0) {
      await sleep(waitMs);
    }

    return waitMs;
  }

  /** Learns from Pipedrive's `x-ratelimit-*` response headers. */
  observe(key: string, headers: Record<string, string | string[] | undefined>): void {
    const now = Date.now();
    const bucket = this.bucket(key, now);
    const limit = Number(headers['x-ratelimit-limit']);
    if (Number.isInteger(limit) && limit > 0) {
      bucket.limit = limit;
    }
    const remaining = Number(headers['x-ratelimit-remaining']);
    const resetSeconds = Number(headers['x-ratelimit-reset']);
    const ownInWindow = bucket.sends.filter((time) => time > now - this.windowMs).length;
    if (remaining === 0 && resetSeconds > 0 && ownInWindow < bucket.limit) {
      // Another process shares this token: trust Pipedrive's count.
      bucket.blockedUntil = Math.max(bucket.blockedUntil, now + resetSeconds * 1000);
    }
  }

  /** Blocks the bucket after a 429 for the time Pipedrive asked. */
  blockFor(key: string, seconds: number): void {
    const now = Date.now();
    const bucket = this.bucket(key, now);
    bucket.blockedUntil = Math.max(bucket.blockedUntil, now + seconds * 1000);
  }

  private bucket(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { limit: this.defaultLimit, sends: [], blockedUntil: 0, lastUsed: now };
      this.buckets.set(key, bucket);
      if (this.buckets.size % 1000 === 0) {
        this.dropIdle(now);
      }
    }
    bucket.lastUsed = now;
    const windowStart = now - this.windowMs;
    let expired = 0;
    while (expired < bucket.sends.length && bucket.sends[expired] <= windowStart) {
      expired++;
    }
    if (expired > 0) {
      bucket.sends.splice(0, expired);
    }

    return bucket;
  }

  private dropIdle(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.lastUsed > IDLE_BUCKET_MS) {
        this.buckets.delete(key);
      }
    }
  }
}
