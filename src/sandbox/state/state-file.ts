import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SandboxData } from './sandbox-data';

/** Reads a saved state, or returns null when the file does not exist. */
export async function readStateFile(path: string): Promise<SandboxData | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw error;
  }
  const data = JSON.parse(text) as SandboxData;
  if (data.version !== 1) {
    throw new Error(
      `Unsupported sandbox state version ${String(data.version)} in ${path}: delete the file to start from the seed`,
    );
  }

  return data;
}

/**
 * Writes the state atomically: a temporary file in the same directory is
 * renamed over the target, so a crash never leaves half a file.
 */
export async function writeStateFile(
  path: string,
  data: SandboxData,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(data), { mode: 0o600 });
  await rename(temporary, path);
}
