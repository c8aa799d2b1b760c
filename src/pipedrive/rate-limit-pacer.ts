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

/** A request counted in the window; `at` moves as described on `Bucket`. */
interface Send {
  at: number;
}

/**
 * Times in ascending order with a moving head, so dropping the oldest is
 * O(1); the backing array is compacted once half of it is dropped.
 */
class TimeQueue<T extends { at: number }> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  first(): T | undefined {
    return this.items[this.head];
  }

  last(): T | undefined {
    return this.length > 0 ? this.items[this.items.length - 1] : undefined;
  }

  at(index: number): T {
    return this.items[this.head + index];
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    const item = this.items[this.head];
    if (item === undefined) {
      return undefined;
    }
    this.head++;
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }

    return item;
  }

  /** Drops items whose time is at or before `time`. */
  dropUntil(time: number): void {
    while (this.length > 0 && this.items[this.head].at <= time) {
      this.shift();
    }
  }
}

interface Bucket {
  limit: number;
  /** False until a response carried `x-ratelimit-limit`. */
  learned: boolean;
  /** Resolves when the first request's response arrives. */
  probe: Promise<void> | null;
  endProbe: (() => void) | null;
  /**
   * Sends without a response yet, by planned send time (moved to the
   * actual send time once the wait is over).
   */
  pending: TimeQueue<Send>;
  /** Sends whose response arrived, by response time. */
  answered: TimeQueue<Send>;
  /** The latest planned send, so that requests go out in arrival order. */
  lastPlanned: number;
  /** Pipedrive reported no free slot until then. */
  blockedUntil: number;
  lastUsed: number;
  /**
   * Running average of the time from send to response, in ms. A send that
   * is still in flight is assumed to reach Pipedrive this long after it left.
   */
  latencyMs: number;
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
    const send: Send = { at: this.plan(bucket, now) };
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
    bucket.pending.push(send);
    bucket.lastPlanned = send.at;
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
    const ownInWindow = bucket.pending.length + bucket.answered.length;
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
   * NOTE: a send still waiting for its response is counted from its send
   * time plus the average latency, which is an estimate. A slower response,
   * or one in flight longer than the window, can let a later send go early.
   */
  private markAnswered(bucket: Bucket, now: number): void {
    const oldest = bucket.pending.first();
    if (!oldest || oldest.at > now) {
      return;
    }
    bucket.pending.shift();
    const sample = now - oldest.at;
    bucket.latencyMs =
      bucket.answered.length === 0 && bucket.latencyMs === 0
        ? sample
        : bucket.latencyMs * 0.8 + sample * 0.2;
    oldest.at = now;
    bucket.answered.push(oldest);
  }

  /** Returns the earliest time at which one more send keeps within the window. */
  private plan(bucket: Bucket, now: number): number {
    let planned = Math.max(now, bucket.blockedUntil, bucket.lastPlanned);
    const count = bucket.pending.length + bucket.answered.length;
    if (count >= bucket.limit) {
      const oldestInWindow = nthEarliest(
        bucket.pending,
        bucket.latencyMs,
        bucket.answered,
        count - bucket.limit,
      );
      planned = Math.max(
        planned,
        oldestInWindow + this.windowMs + SAFETY_MARGIN_MS,
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
        pending: new TimeQueue<Send>(),
        answered: new TimeQueue<Send>(),
        lastPlanned: 0,
        blockedUntil: 0,
        lastUsed: now,
        latencyMs: 0,
      };
      this.buckets.set(key, bucket);
      if (this.buckets.size % 1000 === 0) {
        this.dropIdle(now);
      }
    }
    bucket.lastUsed = now;
    const windowStart = now - this.windowMs;
    bucket.pending.dropUntil(windowStart);
    bucket.answered.dropUntil(windowStart);

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

/**
 * Returns the time of the n-th (0-based) earliest send across both queues,
 * counting a send still in flight from its send time plus the latency.
 */
function nthEarliest(
  pending: TimeQueue<Send>,
  pendingDelayMs: number,
  answered: TimeQueue<Send>,
  n: number,
): number {
  const first = pending;
  const second = answered;
  let i = 0;
  let j = 0;
  for (let taken = 0; ; taken++) {
    const a = i < first.length ? first.at(i).at + pendingDelayMs : Infinity;
    const b = j < second.length ? second.at(j).at : Infinity;
    const earliest = Math.min(a, b);
    if (taken === n) {
      return earliest;
    }
    if (a <= b) {
      i++;
    } else {
      j++;
    }
  }
}
