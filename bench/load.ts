import { Pool } from 'undici';

export interface LoadResult {
  requests: number;
  failures: number;
  /** Status codes other than 200, by code. */
  statuses: Record<number, number>;
  seconds: number;
  throughput: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadOptions {
  origin: string;
  /** Path per request; receives the request's sequence number. */
  path: (sequence: number) => string;
  headers?: Record<string, string>;
  concurrency: number;
  /** Stop after this many requests... */
  maxRequests: number;
  /** ...or after this long, whichever comes first. */
  maxSeconds: number;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) {
    return NaN;
  }

  return sorted[
    Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))
  ];
}

/**
 * Closed-loop load: `concurrency` workers, each sending its next request
 * when the previous answer's body has been read, over keep-alive
 * connections of one undici pool.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.origin, {
    connections: options.concurrency,
    pipelining: 1,
    keepAliveTimeout: 30_000,
  });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let failures = 0;
  let issued = 0;
  const started = performance.now();
  const deadline = started + options.maxSeconds * 1000;

  const worker = async (): Promise<void> => {
    while (issued < options.maxRequests && performance.now() < deadline) {
      const sequence = issued++;
      const sent = performance.now();
      try {
        const response = await pool.request({
          method: 'GET',
          path: options.path(sequence),
          headers: options.headers,
        });
        await response.body.arrayBuffer();
        latencies.push(performance.now() - sent);
        if (response.statusCode !== 200) {
          statuses[response.statusCode] =
            (statuses[response.statusCode] ?? 0) + 1;
          failures++;
        }
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);

  return {
    requests: latencies.length,
    failures,
    statuses,
    seconds,
    throughput: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}
