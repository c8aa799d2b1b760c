import { type ChildProcess, spawn } from 'node:child_process';
import { access, mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSandbox } from '../../src/sandbox/sandbox';
import { control, readJson, TEST_APP } from './sandbox-test-helpers';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'sandbox', 'main.ts');
const COMPANY_COUNT = 3;

/** Returns true when nothing listens on the port at 127.0.0.1. */
async function isPortFree(port: number): Promise<boolean> {
  const server = createServer();

  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => {
      server.close(() => resolve(true));
    });
  });
}

/** Finds a port P for which P and the company ports P+1..P+3 are free. */
async function freeBasePort(exclude: number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20000 + Math.floor(Math.random() * 40000);
    const ports = Array.from(
      { length: COMPANY_COUNT + 1 },
      (_, index) => base + index,
    );
    if (ports.some((port) => exclude.includes(port))) {
      continue;
    }
    const free = await Promise.all(ports.map(isPortFree));
    if (free.every(Boolean)) {
      return base;
    }
  }
  throw new Error('No free block of 4 ports found on 127.0.0.1');
}

interface StandaloneSandbox {
  output: string;
  stop(): Promise<void>;
}

/** Runs `src/sandbox/main.ts` as `npm run sandbox` does, and waits for its settings output. */
async function startStandalone(
  port: number,
  dataDir: string,
): Promise<StandaloneSandbox> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', MAIN],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!output.includes('State file:')) {
    if (child.exitCode !== null) {
      throw new Error(`sandbox exited with ${child.exitCode}: ${output}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sandbox did not start within 30 s: ${output}`);
    }
    await sleep(100);
  }

  return {
    output,
    stop: async () => {
      if (child.exitCode !== null) {
        return;
      }
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000, undefined, { ref: false })]);
      if (child.exitCode === null) {
        child.kill('SIGKILL');
      }
    },
  };
}

describe('standalone sandbox (npm run sandbox)', () => {
  it('keeps its own state file and uses P+k', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sandbox-standalone-'));
    const sharedStateFile = join(dataDir, 'sandbox-state.json');

    // The gateway's in-process sandbox saves its ports in sandbox-state.json.
    const gatewayPort = await freeBasePort();
    const inProcess = await startSandbox({
      port: gatewayPort,
      app: TEST_APP,
      stateFile: sharedStateFile,
    });
    await inProcess.close();
    const sharedBefore = await readFile(sharedStateFile, 'utf8');

    const port = await freeBasePort([gatewayPort]);
    const standalone = await startStandalone(port, dataDir);
    try {
      const companies = await readJson(
        await fetch(`http://127.0.0.1:${port}/_sandbox/companies`),
      );
      const ports = companies.map((company: { apiDomain: string }) =>
        Number(new URL(company.apiDomain).port),
      );

      expect(ports).toEqual([port + 1, port + 2, port + 3]);
      expect(standalone.output).toContain(
        `State file: ${join(dataDir, 'sandbox-standalone-state.json')}`,
      );
    } finally {
      await standalone.stop();
    }

    await expect(
      access(join(dataDir, 'sandbox-standalone-state.json')),
    ).resolves.toBeUndefined();
    expect(await readFile(sharedStateFile, 'utf8')).toBe(sharedBefore);
  });
});

describe('sandbox ports with a fixed port', () => {
  it('moves companies to P+k when P changes', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sandbox-ports-'));
    const stateFile = join(dataDir, 'sandbox-state.json');
    const firstPort = await freeBasePort();
    const first = await startSandbox({
      port: firstPort,
      app: TEST_APP,
      stateFile,
    });
    await first.close();

    const secondPort = await freeBasePort([firstPort]);
    const second = await startSandbox({
      port: secondPort,
      app: TEST_APP,
      stateFile,
    });
    try {
      const ports = second
        .companies()
        .map((company) => Number(new URL(company.apiDomain).port));

      expect(ports).toEqual([secondPort + 1, secondPort + 2, secondPort + 3]);
    } finally {
      await second.close();
    }
  });

  it('keeps a moved api_domain on the same P', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sandbox-ports-'));
    const stateFile = join(dataDir, 'sandbox-state.json');
    const port = await freeBasePort();
    const first = await startSandbox({ port, app: TEST_APP, stateFile });
    const companyId = first.companies()[0].id;
    const moved = await readJson(
      await control(first, 'move-api-domain', { companyId }),
    );
    await first.close();

    const second = await startSandbox({ port, app: TEST_APP, stateFile });
    try {
      expect(second.apiDomain(companyId)).toBe(moved.apiDomain);
    } finally {
      await second.close();
    }
  });
});
