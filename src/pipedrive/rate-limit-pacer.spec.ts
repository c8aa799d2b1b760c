import {
  type PacerClock,
  RateLimitPacer,
  RateLimitWaitTooLong,
  SAFETY_MARGIN_MS,
} from './rate-limit-pacer';

const WINDOW_MS = 2000;

/** A manual clock: sleeps resolve only when advance() passes their time. */
class FakeClock implements PacerClock {
  time = 0;
  private timers: Array<{ at: number; resolve: () => void }> = [];

  now = (): number => this.time;

  sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.timers.push({ at: this.time + ms, resolve });
    });

  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await flushPromises();
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > target) {
        break;
      }
      this.timers.shift();
      this.time = Math.max(this.time, next.at);
      next.resolve();
    }
    this.time = target;
    await flushPromises();
  }
}

async function flushPromises(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
  }
}

function limitHeaders(limit: number, remaining = limit - 1, reset = 0) {
  return {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(reset),
  };
}

/** Starts `count` acquires at the current time and returns their waits. */
async function acquireMany(
  pacer: RateLimitPacer,
  clock: FakeClock,
  key: string,
  count: number,
): Promise<number[]> {
  const waits = Array.from({ length: count }, () => pacer.acquire(key));
  await clock.advance(60_000);

  return Promise.all(waits);
}

/** A pacer whose bucket for `key` has learned `limit` from one response. */
async function learnedPacer(
  limit: number,
  maxWaitMs = 60_000,
  key = 'a',
): Promise<{ pacer: RateLimitPacer; clock: FakeClock }> {
  const clock = new FakeClock();
  const pacer = new RateLimitPacer(80, WINDOW_MS, maxWaitMs, clock);
  await pacer.acquire(key);
  pacer.observe(key, limitHeaders(limit));
  clock.time = WINDOW_MS + 1;

  return { pacer, clock };
}

describe('RateLimitPacer', () => {
  it('sends a first request at once', async () => {
    const clock = new FakeClock();
    const pacer = new RateLimitPacer(80, WINDOW_MS, 10_000, clock);

    await expect(pacer.acquire('a')).resolves.toBe(0);
  });

  it('plans a burst over the rolling window', async () => {
    const { pacer, clock } = await learnedPacer(3);
    const step = WINDOW_MS + SAFETY_MARGIN_MS;

    const waits = await acquireMany(pacer, clock, 'a', 8);

    expect(waits).toEqual([0, 0, 0, step, step, step, 2 * step, 2 * step]);
  });

  it('frees slots as sends leave the window', async () => {
    const { pacer, clock } = await learnedPacer(2);
    await acquireMany(pacer, clock, 'a', 2);
    const firstSend = clock.time - 60_000;
    clock.time = firstSend + WINDOW_MS + 1;

    await expect(pacer.acquire('a')).resolves.toBe(0);
  });

  it('counts a send from its actual time', async () => {
    const { pacer, clock } = await learnedPacer(1);
    const start = clock.time;
    const step = WINDOW_MS + SAFETY_MARGIN_MS;
    await expect(pacer.acquire('a')).resolves.toBe(0);
    const late = pacer.acquire('a');
    // The timer fires 300 ms late, as on a busy event loop.
    clock.time = start + step + 300;
    await clock.advance(0);

    await expect(late).resolves.toBe(step + 300);
    const next = pacer.acquire('a');
    await clock.advance(step);
    await expect(next).resolves.toBe(step);
  });

  it('counts a send from its response time', async () => {
    const { pacer, clock } = await learnedPacer(1);
    const start = clock.time;
    const step = WINDOW_MS + SAFETY_MARGIN_MS;
    await pacer.acquire('a');
    clock.time = start + 400;
    pacer.observe('a', limitHeaders(1, 0, 2));

    const next = pacer.acquire('a');
    await clock.advance(step);

    await expect(next).resolves.toBe(step);
    expect(clock.time - start).toBe(400 + step);
  });

  it('holds a burst until the first response tells the limit', async () => {
    const clock = new FakeClock();
    const pacer = new RateLimitPacer(80, WINDOW_MS, 10_000, clock);
    const first = await pacer.acquire('a');
    const rest = Array.from({ length: 4 }, () => pacer.acquire('a'));
    let settled = 0;
    rest.forEach((wait) => void wait.then(() => settled++));
    await clock.advance(100);

    expect(first).toBe(0);
    expect(settled).toBe(0);

    pacer.observe('a', limitHeaders(2));
    await clock.advance(10_000);
    const waits = await Promise.all(rest);

    // The probe counts from its response at 100, which also sets the latency
    // estimate to 100 ms. The second send (at 100) is still in flight, so it
    // is counted from 100 + 100. With limit 2, each later send waits for the
    // send two places before it to leave the window.
    expect(waits).toEqual([100, 2150, 2250, 4300]);
  });

  it('stops waiting for a slow probe after the maximum wait', async () => {
    const clock = new FakeClock();
    const pacer = new RateLimitPacer(80, WINDOW_MS, 5000, clock);
    await pacer.acquire('a');
    const waiting = pacer.acquire('a');
    await clock.advance(5000);

    await expect(waiting).resolves.toBe(5000);
  });

  it('probes again after a response without limit headers', async () => {
    const clock = new FakeClock();
    const pacer = new RateLimitPacer(80, WINDOW_MS, 10_000, clock);
    await pacer.acquire('a');
    const second = pacer.acquire('a');
    const third = pacer.acquire('a');
    let thirdDone = false;
    void third.then(() => (thirdDone = true));

    pacer.observe('a', {});
    await clock.advance(1);

    await expect(second).resolves.toBe(0);
    expect(thirdDone).toBe(false);
    pacer.observe('a', limitHeaders(10));
    await clock.advance(1);
    await expect(third).resolves.toBe(1);
  });

  it('learns a changed limit from headers', async () => {
    const { pacer, clock } = await learnedPacer(1);
    pacer.observe('a', limitHeaders(4));

    const waits = await acquireMany(pacer, clock, 'a', 5);

    expect(waits).toEqual([0, 0, 0, 0, WINDOW_MS + SAFETY_MARGIN_MS]);
  });

  it('ignores an invalid limit header', async () => {
    const { pacer, clock } = await learnedPacer(2);
    pacer.observe('a', { 'x-ratelimit-limit': 'abc' });
    pacer.observe('a', { 'x-ratelimit-limit': '0' });

    const waits = await acquireMany(pacer, clock, 'a', 3);

    expect(waits).toEqual([0, 0, WINDOW_MS + SAFETY_MARGIN_MS]);
  });

  it('waits out blockFor before the next send', async () => {
    const { pacer, clock } = await learnedPacer(10);
    pacer.blockFor('a', 3);

    const waits = await acquireMany(pacer, clock, 'a', 2);

    expect(waits).toEqual([3000, 3000]);
  });

  it('blocks on remaining 0 when another process used the budget', async () => {
    const { pacer, clock } = await learnedPacer(10);
    await pacer.acquire('a');
    pacer.observe('a', limitHeaders(10, 0, 2));

    const waits = await acquireMany(pacer, clock, 'a', 1);

    expect(waits).toEqual([2000]);
  });

  it('keeps its own plan when its own sends used the budget', async () => {
    const { pacer, clock } = await learnedPacer(2);
    const started = clock.time;
    await acquireMany(pacer, clock, 'a', 2);
    clock.time = started + 1;
    pacer.observe('a', limitHeaders(2, 0, 2));

    const waits = await acquireMany(pacer, clock, 'a', 1);

    // The second send is still in flight and counted from its send time plus
    // the 1 ms latency seen on the first, the same moment as the response.
    expect(waits).toEqual([WINDOW_MS + SAFETY_MARGIN_MS]);
  });

  it('throws RateLimitWaitTooLong past the maximum wait', async () => {
    const { pacer, clock } = await learnedPacer(1, 5000);
    const step = WINDOW_MS + SAFETY_MARGIN_MS;
    const accepted = [
      pacer.acquire('a'),
      pacer.acquire('a'),
      pacer.acquire('a'),
    ];

    const refused = pacer.acquire('a');
    await expect(refused).rejects.toBeInstanceOf(RateLimitWaitTooLong);
    await expect(refused).rejects.toMatchObject({
      retryAfterSeconds: Math.ceil((3 * step) / 1000),
    });
    await expect(pacer.acquire('a')).rejects.toMatchObject({
      retryAfterSeconds: Math.ceil((3 * step) / 1000),
    });
    await clock.advance(60_000);
    await expect(Promise.all(accepted)).resolves.toEqual([0, step, 2 * step]);
  });

  it('throws at once when blocked longer than the maximum', async () => {
    const { pacer } = await learnedPacer(10, 5000);
    pacer.blockFor('a', 30);

    await expect(pacer.acquire('a')).rejects.toMatchObject({
      retryAfterSeconds: 30,
    });
  });

  it('keeps buckets of different keys apart', async () => {
    const { pacer, clock } = await learnedPacer(1);
    pacer.blockFor('a', 5);
    const delayed = pacer.acquire('a');

    await expect(pacer.acquire('b')).resolves.toBe(0);
    await clock.advance(5000);
    await expect(delayed).resolves.toBe(5000);
  });
});
