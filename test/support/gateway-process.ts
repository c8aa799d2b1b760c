import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A gateway running as its own Node.js process from the build in dist/. */
export interface GatewayProcess {
  url: string;
  output: string[];
  child: ChildProcess;
  stop(): Promise<void>;
}

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

/** Starts `node dist/src/main.js` with the given environment and waits until it accepts HTTP requests. */
export async function startGatewayProcess(
  env: Record<string, string>,
): Promise<GatewayProcess> {
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) =>
    output.push(chunk.toString('utf8')),
  );
  child.stderr?.on('data', (chunk: Buffer) =>
    output.push(chunk.toString('utf8')),
  );
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `gateway process exited with ${child.exitCode}: ${output.join('')}`,
      );
    }
    try {
      await fetch(`${url}/oauth/callback`, { method: 'HEAD' });
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(
          `gateway process did not answer within 30 s: ${output.join('')}`,
        );
      }
      await sleep(100);
    }
  }

  return {
    url,
    output,
    child,
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
