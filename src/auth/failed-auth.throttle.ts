import { Injectable } from '@nestjs/common';

const WINDOW_MS = 5 * 60_000;
/** Past this many failures in the window, an address gets 429 at once. */
export const MAX_FAILURES_PER_WINDOW = 100;
const MAX_DELAY_MS = 2_000;
const MAX_TRACKED_ADDRESSES = 50_000;

interface Window {
  failures: number;
  startedAt: number;
}

/**
 * Slows down failed authentication per client address. Each failure is
 * rejected after a delay that doubles with the failures in a five-minute
 * window, up to two seconds. Past the maximum, further bad credentials from
 * that address get 429 at once (CallerAuthGuard never blocks a valid one).
 */
@Injectable()
export class FailedAuthThrottle {
  private readonly windows = new Map<string, Window>();

  isBlocked(address: string, now = Date.now()): boolean {
    const window = this.windows.get(address);

    return (
      !!window &&
      now - window.startedAt < WINDOW_MS &&
      window.failures >= MAX_FAILURES_PER_WINDOW
    );
  }

  /** Counts a failure; returns how long to wait before rejecting it, in ms. */
  recordFailure(address: string, now = Date.now()): number {
    let window = this.windows.get(address);
    if (!window || now - window.startedAt >= WINDOW_MS) {
      if (this.windows.size >= MAX_TRACKED_ADDRESSES) {
        this.windows.clear();
      }
      window = { failures: 0, startedAt: now };
      this.windows.set(address, window);
    }
    window.failures += 1;

    return Math.min(MAX_DELAY_MS, 25 * 2 ** Math.min(window.failures - 1, 10));
  }
}
