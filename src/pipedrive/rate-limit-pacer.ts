import { setTimeout as sleep } from 'node:timers/promises';

/** Raised when a slot is further away than the caller may wait. */
export class RateLimitWaitTooLong extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`rate-limit slot is ${retryAfterSeconds} s away`);
  }
}

/** Time source of the pacer. Tests pass a fake one. */
export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const SYSTEM_CLOCK: PacerClock = {
  now: () => Date.now(),
  sleep: (ms) => sleep(ms, undefined, { ref: false }),
};

interface Send {
  /**
   * Planned send time, moved to the actual send time once the wait is over
   * and to a response time once a response has arrived.
   */
  at: number;
  answered: boolean;
}

interface Bucket {
  limit: number;
  /** False until a response carried `x-ratelimit-limit`. */
  learned: boolean;
  /** Resolves when the first request's response arrives. */
  probe: Promise<void> | null;
  endProbe: (() => void) | null;
  /** Send or response times within the window, sorted by time. */
  sends: Send[];
  /** Pipedrive reported no free slot until then. */
  blockedUntil: number;
  lastUsed: number;
}

/**
 * Sends are planned this much later than the window strictly allows, to
 * cover clock and timer jitter.
 */
export const SAFETY_MARGIN_MS = 50;
const IDLE_BUCKET_MS = 10 * 60_000;

/**
 * Spreads each installation's requests over Pipedrive's rolling burst
 * window, so that a burst waits for free slots instead of meeting 429s.
 * It keeps the send (then response) times of the last window per
 * installation and learns the limit from `x-ratelimit-limit`. Until the
 * first response has reported the limit, only one request is in flight, so
 * a first burst cannot overshoot a limit lower than the default.
 * `x-ratelimit-remaining: 0` and 429s block the bucket until the reset. Buckets are per installation (per token), so
 * one company's exhausted budget never delays another.
 */
export class RateLimitPacer {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly defaultLimit: number,
    private readonly windowMs: number,
    private readonly maxWaitMs: number,
    private readonly clock: PacerClock = SYSTEM_CLOCK,
  ) {}

  /**
   * Waits for a slot and returns the milliseconds waited. Throws
   * RateLimitWaitTooLong when the planned slot is more than the maximum
   * wait away. Waiting for the first response of an installation (while the
   * limit is unknown) is bounded by the maximum wait too, after which the
   * default limit applies, so a slow probe never turns into a 429. Every
   * acquire must be followed by observe() once the attempt has ended.
   */
  async acquire(key: string): Promise<number> {
    const started = this.clock.now();
    let bucket = this.bucket(key, started);
    while (!bucket.learned && bucket.probe) {
      const waitedMs = this.clock.now() - started;
      if (waitedMs >= this.maxWaitMs) {
        break;
      }
      await Promise.race([
        bucket.probe,
        this.clock.sleep(this.maxWaitMs - waitedMs),
      ]);
      bucket = this.bucket(key, this.clock.now());
    }

    const now = this.clock.now();
    const send: Send = { at: this.plan(bucket, now), answered: false };
    const waitMs = send.at - now;
    if (waitMs > this.maxWaitMs) {
      throw new RateLimitWaitTooLong(Math.ceil(waitMs / 1000));
    }
    if (!bucket.learned && !bucket.probe) {
      const probeBucket = bucket;
      probeBucket.probe = new Promise((resolve) => {
        probeBucket.endProbe = resolve;
      });
    }
    bucket.sends.push(send);
    if (waitMs > 0) {
      await this.clock.sleep(waitMs);
      send.at = Math.max(send.at, this.clock.now());
    }

    return send.at - started;
  }

  /**
   * Learns from Pipedrive's `x-ratelimit-*` response headers. Call it after
   * every attempt, with `{}` when no response arrived.
   */
  observe(
    key: string,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    const now = this.clock.now();
    const bucket = this.bucket(key, now);
    this.markAnswered(bucket, now);
    const limit = Number(headers['x-ratelimit-limit']);
    if (Number.isInteger(limit) && limit > 0) {
      bucket.limit = limit;
      bucket.learned = true;
    }
    if (bucket.endProbe) {
      // Without a limit header the next request probes again.
      bucket.endProbe();
      bucket.endProbe = null;
      bucket.probe = null;
    }
    const remaining = Number(headers['x-ratelimit-remaining']);
    const resetSeconds = Number(headers['x-ratelimit-reset']);
    const ownInWindow = bucket.sends.filter(
      (send) => send.at > now - this.windowMs,
    ).length;
    if (remaining === 0 && resetSeconds > 0 && ownInWindow < bucket.limit) {
      // Another process shares this token: trust Pipedrive's count.
      bucket.blockedUntil = Math.max(
        bucket.blockedUntil,
        now + resetSeconds * 1000,
      );
    }
  }

  /** Blocks the bucket after a 429 for the time Pipedrive asked. */
  blockFor(key: string, seconds: number): void {
    const now = this.clock.now();
    const bucket = this.bucket(key, now);
    bucket.blockedUntil = Math.max(bucket.blockedUntil, now + seconds * 1000);
  }

  /**
   * Moves the oldest unanswered send to the response time. Pipedrive counts
   * a request when it arrives, which is after it left the gateway and before
   * its response came back, so a window counted from response times does not
   * free a slot before Pipedrive does, whatever the network delay. Matching
   * responses to sends in order is sound, because by the n-th response at
   * least n requests have arrived.
   * NOTE: a send still waiting for its response counts from its send time,
   * so a request in flight longer than the window can free a slot early.
   */
  private markAnswered(bucket: Bucket, now: number): void {
    const send = bucket.sends.find(
      (entry) => !entry.answered && entry.at <= now,
    );
    if (!send) {
      return;
    }
    send.at = now;
    send.answered = true;
    bucket.sends.sort((a, b) => a.at - b.at);
  }

  /** The earliest time at which one more send keeps within the window. */
  private plan(bucket: Bucket, now: number): number {
    let planned = Math.max(now, bucket.blockedUntil);
    const last = bucket.sends.at(-1);
    if (last !== undefined && last.at > planned) {
      planned = last.at;
    }
    if (bucket.sends.length >= bucket.limit) {
      const oldestInWindow = bucket.sends[bucket.sends.length - bucket.limit];
      planned = Math.max(
        planned,
        oldestInWindow.at + this.windowMs + SAFETY_MARGIN_MS,
      );
    }

    return planned;
  }

  private bucket(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = {
        limit: this.defaultLimit,
        learned: false,
        probe: null,
        endProbe: null,
        sends: [],
        blockedUntil: 0,
        lastUsed: now,
      };
      this.buckets.set(key, bucket);
      if (this.buckets.size % 1000 === 0) {
        this.dropIdle(now);
      }
    }
    bucket.lastUsed = now;
    const windowStart = now - this.windowMs;
    let expired = 0;
    while (
      expired < bucket.sends.length &&
      bucket.sends[expired].at <= windowStart
    ) {
      expired++;
    }
    if (expired > 0) {
      bucket.sends.splice(0, expired);
    }

    return bucket;
  }

  private dropIdle(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.lastUsed > IDLE_BUCKET_MS && !bucket.probe) {
        this.buckets.delete(key);
      }
    }
  }
}
