import { cpus, totalmem, tmpdir } from 'node:os';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { Agent, request } from 'undici';
import { Client } from 'pg';
import { startBareProxy } from './bare-proxy';
import { startFastUpstream } from './fast-upstream';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  createBenchDatabase,
  type GatewayProcess,
  type GatewaySettings,
  insertInstallations,
  newGatewaySettings,
  ROOT,
  startGateway,
} from './harness';
import { runLoad, type LoadResult } from './load';
import {
  findFreePort,
  startEmbeddedDatabase,
} from '../src/database/embedded-database';
import { installThroughConsent } from '../test/support/install';
import type * as SandboxModule from '../src/sandbox/sandbox';
import type * as CreateAppModule from '../src/create-app';
import type * as ConfigModule from '../src/config/load-config';
import type * as LeadsServiceModule from '../src/resources/leads/leads.service';

// The measured code is the build in dist/, as `npm start` runs it.
/* eslint-disable @typescript-eslint/no-require-imports */
const { startSandbox } = require(
  join(ROOT, 'dist/src/sandbox/sandbox'),
) as typeof SandboxModule;
const { createGatewayApp } = require(
  join(ROOT, 'dist/src/create-app'),
) as typeof CreateAppModule;
const { loadConfig } = require(
  join(ROOT, 'dist/src/config/load-config'),
) as typeof ConfigModule;
const { LeadsService } = require(
  join(ROOT, 'dist/src/resources/leads/leads.service'),
) as typeof LeadsServiceModule;
/* eslint-enable @typescript-eslint/no-require-imports */

const OVERHEAD_COMPANY = 1;
const ALL_COMPANY = 2;
const MEMORY_COMPANIES_FROM = 100_001;
const MEMORY_INSTALLATIONS = 10_000;
const ALL_RECORDS = 100_000;
const CONCURRENCIES = [1, 16, 64];
const CAPPED_OLD_SPACE_MB = 128;

/**
 * docs/benchmarks.md is regenerated above this heading; the written
 * analysis from it on is kept as it is.
 */
const ANALYSIS_HEADING = '## Analysis';

const lines: string[] = [];
const log = (message: string): void => {
  process.stdout.write(`${message}\n`);
};
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const fixed = (value: number, digits = 2): string => value.toFixed(digits);
const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');

async function main(): Promise<void> {
  const startedAt = Date.now();
  const workDirectory = await mkdtemp(join(tmpdir(), 'gateway-bench-'));
  log(`bench: logs and data in ${workDirectory}`);

  const embedded = process.env.DATABASE_URL
    ? null
    : await startEmbeddedDatabase({ dataDir: join(workDirectory, 'pg') });
  const serverUrl = process.env.DATABASE_URL ?? embedded!.url;
  const database = await createBenchDatabase(serverUrl);
  const monitor = new Client({ connectionString: serverUrl });
  await monitor.connect();

  const ports = [
    await findFreePort(),
    await findFreePort(),
    await findFreePort(),
  ];
  const sandbox = await startSandbox({
    port: 0,
    app: {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `http://127.0.0.1:${ports[0]}/oauth/callback`,
    },
  });
  const upstream = await startFastUpstream({ totalRecords: ALL_RECORDS });
  const bare = await startBareProxy(upstream.origin);
  const settings = newGatewaySettings(
    database.url,
    sandbox.oauthUrl,
    workDirectory,
  );
  const gateways: GatewayProcess[] = [];
  let db: Client | undefined;

  try {
    gateways.push(await startGateway(settings, ports[0], 'gateway-1'));
    db = new Client({ connectionString: database.url });
    await db.connect();
    await insertInstallations(db, settings, [
      { companyId: OVERHEAD_COMPANY, apiDomain: upstream.origin },
      { companyId: ALL_COMPANY, apiDomain: upstream.origin },
    ]);
    const gateway = gateways[0];

    const overhead = await measureOverhead(gateway, bare.url, settings);
    const queries = await measureQueries(
      gateway,
      settings,
      monitor,
      database.name,
    );

    // The logging share of the overhead: the same build with request logs off.
    const quiet = await startGateway(
      settings,
      await findFreePort(),
      'gateway-quiet',
      {
        LOG_LEVEL: 'warn',
      },
    );
    const quietRow = await measureOverheadAt(
      quiet,
      bare.url,
      settings,
      16,
    ).finally(() => quiet.stop());

    // A fresh process, so that memory left over from the load above does not count.
    gateways.push(await startGateway(settings, ports[1], 'gateway-2'));
    await insertInstallations(
      db,
      settings,
      Array.from({ length: MEMORY_INSTALLATIONS }, (_, index) => ({
        companyId: MEMORY_COMPANIES_FROM + index,
        apiDomain: upstream.origin,
      })),
    );
    const memory = await measureMemory(gateways[1], settings);
    // The same with V8's old generation capped, so that garbage is collected
    // before the heap grows; this process is not reused afterwards.
    const capped = await startGateway(
      settings,
      await findFreePort(),
      'gateway-capped',
      {
        NODE_OPTIONS: `--max-old-space-size=${CAPPED_OLD_SPACE_MB}`,
      },
    );
    const cappedMemory = await measureMemory(capped, settings).finally(() =>
      capped.stop(),
    );
    gateways.push(await startGateway(settings, ports[2], 'gateway-3'));
    const storm = await measureStorm(gateways, settings, sandbox);
    const pacing = await measurePacing(gateway, settings, sandbox);
    const all = await measureAll(settings, upstream.origin);

    const seconds = (Date.now() - startedAt) / 1000;
    await writeReport({
      overhead,
      quietRow,
      queries,
      memory,
      cappedMemory,
      storm,
      pacing,
      all,
      seconds,
    });
  } finally {
    for (const gateway of gateways) {
      await gateway.stop();
    }
    await db?.end();
    await monitor.end();
    await bare.close();
    await upstream.close();
    await sandbox.close();
    await database.drop();
    await embedded?.stop();
  }
}

interface OverheadRow {
  concurrency: number;
  bare: LoadResult;
  gateway: LoadResult;
}

async function measureOverhead(
  gateway: GatewayProcess,
  bareUrl: string,
  settings: GatewaySettings,
): Promise<OverheadRow[]> {
  const rows: OverheadRow[] = [];
  for (const concurrency of CONCURRENCIES) {
    rows.push(await measureOverheadAt(gateway, bareUrl, settings, concurrency));
  }

  return rows;
}

/** The bare proxy, then the gateway, at one concurrency, each warmed first. */
async function measureOverheadAt(
  gateway: GatewayProcess,
  bareUrl: string,
  settings: GatewaySettings,
  concurrency: number,
): Promise<OverheadRow> {
  const path = () => `/companies/${OVERHEAD_COMPANY}/api/v1/leads?limit=10`;
  const headers = { authorization: `Bearer ${settings.adminKey}` };
  // Warm-up: JIT, connection pools, the installation cache and the pacer.
  const warm = {
    path,
    headers,
    concurrency: 8,
    maxRequests: 500,
    maxSeconds: 5,
  };
  await runLoad({ origin: bareUrl, ...warm });
  await runLoad({ origin: gateway.url, ...warm });
  const load = {
    path,
    headers,
    concurrency,
    maxRequests: concurrency === 1 ? 2000 : 5000,
    maxSeconds: 8,
  };
  const bare = await runLoad({ origin: bareUrl, ...load });
  const viaGateway = await runLoad({ origin: gateway.url, ...load });
  log(
    `overhead c=${concurrency}: bare ${fixed(bare.throughput, 0)}/s, gateway ${fixed(viaGateway.throughput, 0)}/s`,
  );

  return { concurrency, bare, gateway: viaGateway };
}

interface QueryFigures {
  requests: number;
  failures: number;
  idleTransactions: number;
  loadTransactions: number;
  idleSeconds: number;
  loadSeconds: number;
  perRequest: number;
}

/** Committed plus rolled-back transactions of the bench database, from pg_stat_database. */
async function transactions(monitor: Client, name: string): Promise<number> {
  // Statistics reach pg_stat_database when a backend has been idle for a
  // moment (at most about a second), so wait before reading.
  await sleep(1_500);
  await monitor.query('SELECT pg_stat_clear_snapshot()');
  const result = await monitor.query<{ total: string }>(
    'SELECT xact_commit + xact_rollback AS total FROM pg_stat_database WHERE datname = $1',
    [name],
  );

  return Number(result.rows[0].total);
}

/**
 * Database transactions per proxied request in steady state. Every
 * statement outside an explicit transaction counts as one transaction, so
 * this counts queries. An idle period of the same length is the baseline
 * for background work such as LISTEN keep-alives and scheduled jobs.
 */
async function measureQueries(
  gateway: GatewayProcess,
  settings: GatewaySettings,
  monitor: Client,
  name: string,
): Promise<QueryFigures> {
  const idleStart = await transactions(monitor, name);
  const idleBegan = performance.now();
  await sleep(5_000);
  const idleEnd = await transactions(monitor, name);
  const idleSeconds = (performance.now() - idleBegan) / 1000;

  const loadBegan = performance.now();
  const load = await runLoad({
    origin: gateway.url,
    path: () => `/companies/${OVERHEAD_COMPANY}/api/v1/leads?limit=10`,
    headers: { authorization: `Bearer ${settings.adminKey}` },
    concurrency: 16,
    maxRequests: 5000,
    maxSeconds: 5,
  });
  const loadEnd = await transactions(monitor, name);
  const loadSeconds = (performance.now() - loadBegan) / 1000;
  const idleTransactions = idleEnd - idleStart;
  const loadTransactions = loadEnd - idleEnd;
  const background = (idleTransactions / idleSeconds) * loadSeconds;
  const perRequest = Math.max(0, loadTransactions - background) / load.requests;
  log(
    `queries: ${loadTransactions} transactions during ${load.requests} requests (idle: ${idleTransactions})`,
  );

  return {
    requests: load.requests,
    failures: load.failures,
    idleTransactions,
    loadTransactions,
    idleSeconds,
    loadSeconds,
    perRequest,
  };
}

const IDLE_SETTLE_MS = 40_000;

interface MemoryFigures {
  rssBeforeBytes: number;
  rssAfterBytes: number;
  /** RSS once the process has been idle for IDLE_SETTLE_MS after the touches. */
  rssSettledBytes: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
  cachedInstallations: number;
  touched: number;
  failures: number;
  seconds: number;
}

/** Reads one unlabelled sample from the gateway's /metrics. */
async function scrapeGauge(
  gateway: GatewayProcess,
  name: string,
): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));

  return Number(line?.split(' ')[1] ?? NaN);
}

async function measureMemory(
  gateway: GatewayProcess,
  settings: GatewaySettings,
): Promise<MemoryFigures> {
  const rssBeforeBytes = await gateway.rssBytes();
  const heapBeforeBytes = await scrapeGauge(
    gateway,
    'nodejs_heap_size_used_bytes',
  );
  const load = await runLoad({
    origin: gateway.url,
    path: (sequence) =>
      `/companies/${MEMORY_COMPANIES_FROM + sequence}/api/v1/leads?limit=10`,
    headers: { authorization: `Bearer ${settings.adminKey}` },
    concurrency: 32,
    maxRequests: MEMORY_INSTALLATIONS,
    maxSeconds: 90,
  });
  await sleep(1_000);
  const rssAfterBytes = await gateway.rssBytes();
  const heapAfterBytes = await scrapeGauge(
    gateway,
    'nodejs_heap_size_used_bytes',
  );
  const cachedInstallations = await scrapeGauge(
    gateway,
    'gateway_cached_installations',
  );
  // V8 gives unused heap back to the system only after the process has been
  // idle for a while, so the settled figure is the steady state.
  await sleep(IDLE_SETTLE_MS);
  const rssSettledBytes = await gateway.rssBytes();
  log(
    `memory: RSS ${mb(rssBeforeBytes)} MB -> ${mb(rssAfterBytes)} MB after ${load.requests} installations, ${mb(rssSettledBytes)} MB when idle`,
  );

  return {
    rssBeforeBytes,
    rssAfterBytes,
    rssSettledBytes,
    heapBeforeBytes,
    heapAfterBytes,
    cachedInstallations,
    touched: load.requests,
    failures: load.failures,
    seconds: load.seconds,
  };
}

interface StormFigures {
  requests: number;
  failures: number;
  statuses: Record<string, number>;
  refreshGrants: number;
  seconds: number;
  /** The same burst with a valid token, as the baseline. */
  baselineSeconds: number;
}

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

async function sandboxControl<T>(
  sandbox: Sandbox,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${sandbox.oauthUrl}/_sandbox/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(
      `sandbox control ${path} failed with status ${response.status}`,
    );
  }

  return (await response.json()) as T;
}

/** Sends `count` requests at once, spread round-robin over the gateways. */
async function burst(
  gateways: GatewayProcess[],
  settings: GatewaySettings,
  companyId: number,
  count: number,
  extraHeaders: Record<string, string> = {},
): Promise<{
  seconds: number;
  statuses: Record<string, number>;
  failures: number;
}> {
  const agent = new Agent({ connections: count, keepAliveTimeout: 30_000 });
  const statuses: Record<string, number> = {};
  let failures = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const gateway = gateways[index % gateways.length];
      try {
        const response = await request(
          `${gateway.url}/companies/${companyId}/api/v1/leads?limit=10`,
          {
            dispatcher: agent,
            headers: {
              authorization: `Bearer ${settings.adminKey}`,
              ...extraHeaders,
            },
          },
        );
        await response.body.dump();
        statuses[response.statusCode] =
          (statuses[response.statusCode] ?? 0) + 1;
        if (response.statusCode !== 200) {
          failures++;
        }
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'error';
        statuses[code] = (statuses[code] ?? 0) + 1;
        failures++;
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  await agent.close();

  return { seconds, statuses, failures };
}

interface SandboxStats {
  grants: { refresh_token: number };
  rateLimited: number;
}

async function measureStorm(
  gateways: GatewayProcess[],
  settings: GatewaySettings,
  sandbox: Sandbox,
): Promise<StormFigures> {
  const companyId = sandbox.companies()[0].id;
  const install = await installThroughConsent(
    { url: gateways[0].url, sandbox },
    { companyId },
  );
  if (install.status !== 200) {
    throw new Error(
      `install through consent failed: the callback returned status ${install.status}`,
    );
  }
  await sandboxControl(sandbox, 'rate-limit', {
    burst: 100_000,
    windowSeconds: 2,
  });
  // Each process caches the installation and learns the rate limit first.
  const warm = await burst(gateways, settings, companyId, 30);
  if (warm.failures > 0) {
    throw new Error(`storm warm-up failed: ${JSON.stringify(warm.statuses)}`);
  }
  const baseline = await burst(gateways, settings, companyId, 1000);

  await sandboxControl(sandbox, 'expire-tokens', { companyId });
  const before = await sandboxControl<SandboxStats>(sandbox, 'stats');
  const storm = await burst(gateways, settings, companyId, 1000);
  const after = await sandboxControl<SandboxStats>(sandbox, 'stats');
  const refreshGrants =
    after.grants.refresh_token - before.grants.refresh_token;
  log(
    `storm: ${refreshGrants} refresh grant(s), ${storm.failures} failed, ${fixed(storm.seconds)} s`,
  );

  return {
    requests: 1000,
    failures: storm.failures,
    statuses: storm.statuses,
    refreshGrants,
    seconds: storm.seconds,
    baselineSeconds: baseline.seconds,
  };
}

/** The gateway's longest wait for a rate-limit slot (upstream.rateLimitMaxWaitMs). */
const MAX_WAIT_SECONDS = 10;

interface PacingRun {
  requests: number;
  limit: number;
  windowSeconds: number;
  seconds: number;
  theoreticalSeconds: number;
  statuses: Record<string, number>;
  upstream429s: number;
}

async function measurePacing(
  gateway: GatewayProcess,
  settings: GatewaySettings,
  sandbox: Sandbox,
): Promise<PacingRun[]> {
  const windowSeconds = 2;
  const runs: PacingRun[] = [];
  const companies = sandbox.companies();
  // Each run on an installation of its own, so the pacer starts without a
  // learned limit: the second and third companies, then the first
  // company's second user (its first user serves the refresh storm).
  const plans = [
    {
      requests: 200,
      limit: 40,
      companyId: companies[1].id,
      userId: companies[1].users[0].id,
    },
    {
      requests: 400,
      limit: 80,
      companyId: companies[2].id,
      userId: companies[2].users[0].id,
    },
    {
      requests: 400,
      limit: 40,
      companyId: companies[0].id,
      userId: companies[0].users[1].id,
    },
  ];
  for (const { requests, limit, companyId, userId } of plans) {
    await installThroughConsent(
      { url: gateway.url, sandbox },
      { companyId, userId },
    );
    await sandboxControl(sandbox, 'rate-limit', {
      burst: limit,
      windowSeconds,
    });
    await sleep(windowSeconds * 1000 + 100);
    const before = await sandboxControl<SandboxStats>(sandbox, 'stats');
    const result = await burst([gateway], settings, companyId, requests, {
      'x-pipedrive-user-id': String(userId),
    });
    const after = await sandboxControl<SandboxStats>(sandbox, 'stats');
    const theoreticalSeconds =
      (Math.ceil(requests / limit) - 1) * windowSeconds;
    log(
      `pacing ${requests}: ${fixed(result.seconds)} s (best ${theoreticalSeconds} s), ${JSON.stringify(result.statuses)}`,
    );
    runs.push({
      requests,
      limit,
      windowSeconds,
      seconds: result.seconds,
      theoreticalSeconds,
      statuses: result.statuses,
      upstream429s: after.rateLimited - before.rateLimited,
    });
  }

  return runs;
}

interface AllFigures {
  records: number;
  rawSeconds: number;
  allSeconds: number;
  allRecords: number;
  heapStartBytes: number;
  heapAfterTenthBytes: number;
  heapMaxBytes: number;
  heapEndBytes: number;
}

/** The baseline loop: every page fetched with undici and parsed. */
async function fetchAllPages(apiDomain: string): Promise<number> {
  let records = 0;
  for (let start = 0; ;) {
    const response = await request(
      `${apiDomain}/api/v1/leads?start=${start}&limit=500`,
    );
    const page = (await response.body.json()) as {
      data: unknown[];
      additional_data: {
        more_items_in_collection: boolean;
        next_start?: number;
      };
    };
    records += page.data.length;
    if (!page.additional_data.more_items_in_collection) {
      return records;
    }
    start = page.additional_data.next_start ?? start + page.data.length;
  }
}

/**
 * LeadsService.all() in this process, against a plain loop that fetches the
 * same pages from the fast upstream and parses them.
 */
async function measureAll(
  settings: GatewaySettings,
  apiDomain: string,
): Promise<AllFigures> {
  // The first pass warms the JIT and the connection; the second is timed.
  await fetchAllPages(apiDomain);
  const rawBegan = performance.now();
  const rawRecords = await fetchAllPages(apiDomain);
  const rawSeconds = (performance.now() - rawBegan) / 1000;

  const port = await findFreePort();
  const { config } = loadConfig({
    NODE_ENV: 'production',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: settings.databaseUrl,
    PIPEDRIVE_CLIENT_ID: CLIENT_ID,
    PIPEDRIVE_CLIENT_SECRET: CLIENT_SECRET,
    PIPEDRIVE_OAUTH_URL: settings.oauthUrl,
    PIPEDRIVE_API_DOMAIN_ALLOWLIST: 'http://127.0.0.1:*',
    TOKEN_ENCRYPTION_KEYS: settings.encryptionKeys,
    ADMIN_API_KEY: settings.adminKey,
    LOG_LEVEL: 'warn',
  });
  const app = await createGatewayApp(config, {
    logStream: new Writable({
      write: (_chunk, _encoding, callback) => callback(),
    }),
  });
  await app.init();
  try {
    const leads = app.get(LeadsService);
    const heapStartBytes = process.memoryUsage().heapUsed;
    let heapAfterTenthBytes = 0;
    let heapMaxBytes = heapStartBytes;
    let allRecords = 0;
    const began = performance.now();
    for await (const lead of leads.all(ALL_COMPANY)) {
      if (lead.id === undefined) {
        throw new Error('lead without id');
      }
      allRecords++;
      if (allRecords % 5000 === 0) {
        const heap = process.memoryUsage().heapUsed;
        heapMaxBytes = Math.max(heapMaxBytes, heap);
        if (allRecords === ALL_RECORDS / 10) {
          heapAfterTenthBytes = heap;
        }
      }
    }
    const allSeconds = (performance.now() - began) / 1000;
    log(
      `all(): ${allRecords} records in ${fixed(allSeconds)} s, raw loop ${fixed(rawSeconds)} s (${rawRecords})`,
    );

    return {
      records: rawRecords,
      rawSeconds,
      allSeconds,
      allRecords,
      heapStartBytes,
      heapAfterTenthBytes,
      heapMaxBytes,
      heapEndBytes: process.memoryUsage().heapUsed,
    };
  } finally {
    await app.close();
  }
}

interface Figures {
  cappedMemory: MemoryFigures;
  overhead: OverheadRow[];
  quietRow: OverheadRow;
  queries: QueryFigures;
  memory: MemoryFigures;
  storm: StormFigures;
  pacing: PacingRun[];
  all: AllFigures;
  seconds: number;
}

async function writeReport(figures: Figures): Promise<void> {
  const { overhead, queries, memory, storm, pacing, all } = figures;
  const cpu = cpus();
  lines.push(
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (bench/run.ts); rerun it to refresh this page.',
    'Every figure is compared with a baseline measured in the same run on the',
    'same machine, so the ratios matter more than the absolute numbers.',
    '',
    '## Machine',
    '',
    `- CPU: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`,
    `- Memory: ${mb(totalmem())} MB`,
    `- Node.js ${process.version}, ${process.platform}/${process.arch}`,
    `- PostgreSQL: ${process.env.DATABASE_URL ? 'server at DATABASE_URL' : 'embedded'}, on the same machine`,
    `- Run finished ${new Date().toISOString()}, took ${fixed(figures.seconds, 0)} s`,
    '- Gateway: `node dist/src/main.js` child processes, NODE_ENV=production, LOG_LEVEL=info (one JSON log line per request), Express adapter',
    '',
    'The machine may be shared with other work, which shows up as noise, most in the tail latencies.',
    '',
    '## Proxy overhead',
    '',
    '`GET /companies/1/api/v1/leads?limit=10` (a 6 KB body) through the gateway, against',
    'bench/bare-proxy.ts (node:http plus an undici pool, no auth, routing, validation or logging)',
    'in front of the same upstream (bench/fast-upstream.ts). Closed-loop load from bench/load.ts',
    '(undici, keep-alive), up to 5,000 requests or 8 s per cell. Targets: throughput ratio ≥ 0.8,',
    'added p50 ≤ 1 ms, added p99 ≤ 5 ms. The LOG_LEVEL=warn row is a separate gateway process',
    'without per-request log lines, to show what request logging costs.',
    '',
    '| Concurrency | Bare req/s | Gateway req/s | Ratio | Bare p50 / p99 ms | Gateway p50 / p99 ms | Added p50 / p99 ms | Failures |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const labelled: [string, OverheadRow][] = [
    ...overhead.map((row): [string, OverheadRow] => [
      String(row.concurrency),
      row,
    ]),
    [`${figures.quietRow.concurrency}, LOG_LEVEL=warn`, figures.quietRow],
  ];
  for (const [label, row] of labelled) {
    const ratio = row.gateway.throughput / row.bare.throughput;
    const addedP50 = row.gateway.p50Ms - row.bare.p50Ms;
    const addedP99 = row.gateway.p99Ms - row.bare.p99Ms;
    lines.push(
      `| ${label} | ${fixed(row.bare.throughput, 0)} | ${fixed(row.gateway.throughput, 0)} | ${fixed(ratio)} (${verdict(ratio >= 0.8)}) | ${fixed(row.bare.p50Ms)} / ${fixed(row.bare.p99Ms)} | ${fixed(row.gateway.p50Ms)} / ${fixed(row.gateway.p99Ms)} | ${fixed(addedP50)} (${verdict(addedP50 <= 1)}) / ${fixed(addedP99)} (${verdict(addedP99 <= 5)}) | ${row.gateway.failures} |`,
    );
  }
  lines.push(
    '',
    '## Database queries per proxied request',
    '',
    'Transactions of the gateway database (`xact_commit + xact_rollback` in `pg_stat_database`, read',
    'from another database) during a 5 s load at concurrency 16, minus the rate seen while idle for',
    '5 s just before. Target: 0.',
    '',
    `- Idle: ${queries.idleTransactions} transactions in ${fixed(queries.idleSeconds, 1)} s`,
    `- Load: ${queries.loadTransactions} transactions in ${fixed(queries.loadSeconds, 1)} s for ${queries.requests} requests (${queries.failures} failed)`,
    `- Queries per request: **${fixed(queries.perRequest, 4)}** (${verdict(queries.perRequest < 0.001)})`,
    '',
    'The caller used the admin key, which is compared in memory; service API keys are cached by',
    'ApiKeysService, but this run does not measure them.',
    '',
    '## Refresh storm',
    '',
    `${storm.requests} requests sent at once, spread round-robin over 3 gateway processes sharing one`,
    'database, after the sandbox expired the access token (the processes still hold it as valid, so',
    'every request meets a 401 from the sandbox first). Baseline: the same burst with a valid token.',
    'Targets: exactly 1 refresh grant, 0 failed requests.',
    '',
    `- Refresh grants at the sandbox: **${storm.refreshGrants}** (${verdict(storm.refreshGrants === 1)})`,
    `- Failed requests: **${storm.failures}** (${verdict(storm.failures === 0)}); statuses ${JSON.stringify(storm.statuses)}`,
    `- Time: ${fixed(storm.seconds)} s against ${fixed(storm.baselineSeconds)} s with a valid token (ratio ${fixed(storm.seconds / storm.baselineSeconds)})`,
    '',
    '## Rate-limit pacing',
    '',
    'A burst of N requests at once through one gateway process for one fresh installation, with the',
    'sandbox limiting that token to L requests per W s. The theoretical best is',
    '(ceil(N / L) − 1) × W. Targets: 0 client 429s, time within 10 % of the best. The gateway',
    `waits at most ${MAX_WAIT_SECONDS} s for a slot and otherwise answers 429 with Retry-After, so the last`,
    'row, whose best time is longer, shows that answer rather than a target.',
    '',
    '| N | L per W | Time s | Best s | Ratio | Client statuses | Sandbox 429s |',
    '| ---: | ---: | ---: | ---: | ---: | --- | ---: |',
  );
  for (const run of pacing) {
    const ratio = run.seconds / run.theoreticalSeconds;
    const client429s = run.statuses['429'] ?? 0;
    lines.push(
      `| ${run.requests} | ${run.limit} per ${run.windowSeconds} s | ${fixed(run.seconds)} | ${run.theoreticalSeconds} | ${fixed(ratio)} (${run.theoreticalSeconds > MAX_WAIT_SECONDS ? 'over the maximum wait: 429 with Retry-After is the specified answer' : verdict(ratio <= 1.1 && client429s === 0)}) | ${JSON.stringify(run.statuses)} | ${run.upstream429s} |`,
    );
  }
  lines.push(
    '',
    '## Memory with 10,000 installations',
    '',
    `${MEMORY_INSTALLATIONS} installations inserted, each touched once through the proxy`,
    '(concurrency 32), then the RSS of the gateway process from /proc: 1 s after the touches',
    `(the peak) and again after ${IDLE_SETTLE_MS / 1000} s idle (settled). The process is started for this`,
    'phase; the baseline is its RSS once ready, before the touches. Target: < 200 MB.',
    '',
    '| Process | RSS ready MB | RSS peak MB | RSS settled MB | Peak / ready | V8 heap used before / after MB | Cached | Touched | Failed | Seconds |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...[
      ['default flags', memory] as const,
      [
        `--max-old-space-size=${CAPPED_OLD_SPACE_MB}`,
        figures.cappedMemory,
      ] as const,
    ].map(
      ([label, row]) =>
        `| ${label} | ${mb(row.rssBeforeBytes)} | **${mb(row.rssAfterBytes)}** (${verdict(row.rssAfterBytes < 200 * 1024 * 1024)}) | **${mb(row.rssSettledBytes)}** (${verdict(row.rssSettledBytes < 200 * 1024 * 1024)}) | ${fixed(row.rssAfterBytes / row.rssBeforeBytes)} | ${mb(row.heapBeforeBytes)} / ${mb(row.heapAfterBytes)} | ${row.cachedInstallations} | ${row.touched} | ${row.failures} | ${fixed(row.seconds, 1)} |`,
    ),
    '',
    'Heap used is read from /metrics right after the touches, so it includes garbage not yet collected.',
    '',
    '## `all()` over 100,000 records',
    '',
    `LeadsService.all() in the bench process over ${ALL_RECORDS} leads served in pages of 500 by the`,
    'fast upstream, against a plain loop that fetches the same pages with undici and parses them.',
    'Targets: memory flat, time close to the plain loop.',
    '',
    `- Plain loop: ${fixed(all.rawSeconds)} s for ${all.records} records`,
    `- all(): **${fixed(all.allSeconds)} s** for ${all.allRecords} records, ratio ${fixed(all.allSeconds / all.rawSeconds)}`,
    `- Heap used: ${mb(all.heapStartBytes)} MB at the start, ${mb(all.heapAfterTenthBytes)} MB after 10,000 records, at most ${mb(all.heapMaxBytes)} MB, ${mb(all.heapEndBytes)} MB at the end (sampled every 5,000 records; ${verdict(all.heapMaxBytes - all.heapAfterTenthBytes < 64 * 1024 * 1024)} if the maximum stays within 64 MB of the 10,000-record sample)`,
    '',
  );
  const target = join(ROOT, 'docs', 'benchmarks.md');
  const previous = await readFile(target, 'utf8').catch(() => '');
  const analysisAt = previous.indexOf(ANALYSIS_HEADING);
  const analysis =
    analysisAt >= 0 ? previous.slice(analysisAt) : `${ANALYSIS_HEADING}\n`;
  await writeFile(target, `${lines.join('\n')}\n${analysis}`);
  log(`bench: figures written to ${target}`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
