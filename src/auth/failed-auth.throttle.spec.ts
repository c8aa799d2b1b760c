import {
  FailedAuthThrottle,
  MAX_FAILURES_PER_WINDOW,
} from './failed-auth.throttle';

describe('FailedAuthThrottle', () => {
  it('doubles the delay with each failure up to two seconds', () => {
    const throttle = new FailedAuthThrottle();

    const delays = Array.from({ length: 10 }, () =>
      throttle.recordFailure('10.0.0.1', 0),
    );

    expect(delays.slice(0, 4)).toEqual([25, 50, 100, 200]);
    expect(Math.max(...delays)).toBe(2000);
  });

  it('blocks an address past the maximum and only that address', () => {
    const throttle = new FailedAuthThrottle();
    for (let i = 0; i < MAX_FAILURES_PER_WINDOW; i++) {
      throttle.recordFailure('10.0.0.1', 1000);
    }

    expect(throttle.isBlocked('10.0.0.1', 2000)).toBe(true);
    expect(throttle.isBlocked('10.0.0.2', 2000)).toBe(false);
  });

  it('forgets failures after five minutes', () => {
    const throttle = new FailedAuthThrottle();
    for (let i = 0; i < MAX_FAILURES_PER_WINDOW; i++) {
      throttle.recordFailure('10.0.0.1', 0);
    }

    expect(throttle.isBlocked('10.0.0.1', 5 * 60_000)).toBe(false);
    expect(throttle.recordFailure('10.0.0.1', 5 * 60_000)).toBe(25);
  });
});
