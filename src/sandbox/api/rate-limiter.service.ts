import { Inject, Injectable } from '@nestjs/common';
import {
  SANDBOX_OPTIONS,
  type ResolvedSandboxOptions,
} from '../sandbox-options';

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds until the oldest counted request leaves the window. */
  resetSeconds: number;
}

/** Rolling-window burst limit per token, like Pipedrive's 2-second window. */
@Injectable()
export class RateLimiter {
  private burst: number;
  private windowMs: number;
  private readonly hits = new Map<string, number[]>();
  private hitsSinceSweep = 0;

  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions,
  ) {
    this.configure(options.rateLimit.burst, options.rateLimit.windowSeconds);
  }

  configure(burst: number, windowSeconds: number): void {
    this.burst = burst;
    this.windowMs = windowSeconds * 1000;
    this.hits.clear();
  }

  settings(): { burst: number; windowSeconds: number } {
    return { burst: this.burst, windowSeconds: this.windowMs / 1000 };
  }

  /** Counts one request for `key` unless the window is full. */
  hit(key: string): RateLimitResult {
    const now = this.options.now();
    this.sweepSometimes(now);
    const times = this.recentHits(key, now);
    const allowed = times.length < this.burst;
    if (allowed) {
      times.push(now);
    }

    return {
      allowed,
      limit: this.burst,
      remaining: Math.max(0, this.burst - times.length),
      resetSeconds: Math.max(
        allowed ? 0 : 1,
        Math.ceil((times[0] + this.windowMs - now) / 1000),
      ),
    };
  }

  /** Reports the state for `key` without counting a request. */
  peek(key: string): RateLimitResult {
    const now = this.options.now();
    const times = this.recentHits(key, now);

    return {
      allowed: times.length < this.burst,
      limit: this.burst,
      remaining: Math.max(0, this.burst - times.length),
      resetSeconds:
        times.length === 0
          ? 0
          : Math.ceil((times[0] + this.windowMs - now) / 1000),
    };
  }

  reset(): void {
    this.configure(
      this.options.rateLimit.burst,
      this.options.rateLimit.windowSeconds,
    );
  }

  private recentHits(key: string, now: number): number[] {
    let times = this.hits.get(key);
    if (!times) {
      times = [];
      this.hits.set(key, times);
    }
    while (times.length > 0 && times[0] <= now - this.windowMs) {
      times.shift();
    }

    return times;
  }

  /** Drops idle keys now and then, so old tokens do not pile up. */
  private sweepSometimes(now: number): void {
    this.hitsSinceSweep += 1;
    if (this.hitsSinceSweep < 1000) {
      return;
    }
    this.hitsSinceSweep = 0;
    for (const [key, times] of this.hits) {
      if (
        times.length === 0 ||
        times[times.length - 1] <= now - this.windowMs
      ) {
        this.hits.delete(key);
      }
    }
  }
}
