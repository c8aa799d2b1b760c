import { Injectable } from '@nestjs/common';
import { type InstallationSnapshot } from './installation-snapshot';

/** How long an entry may be served without hearing from the database. */
const MAX_AGE_MS = 5 * 60_000;

interface Entry {
  snapshot: InstallationSnapshot;
  storedAt: number;
}

/**
 * Installations by company and user (or the company's default), in memory.
 * Every process hears each installation change through PostgreSQL
 * notifications and drops what the change may affect. The maximum age
 * bounds staleness should a notification be missed.
 */
@Injectable()
export class InstallationCache {
  private readonly entries = new Map<string, Entry>();

  get(
    companyId: number,
    userId: number | null,
  ): InstallationSnapshot | undefined {
    const key = cacheKey(companyId, userId);
    const entry = this.entries.get(key);
    if (!entry) {
      return undefined;
    }
    if (Date.now() - entry.storedAt > MAX_AGE_MS) {
      this.entries.delete(key);

      return undefined;
    }

    return entry.snapshot;
  }

  set(userId: number | null, snapshot: InstallationSnapshot): void {
    this.entries.set(cacheKey(snapshot.companyId, userId), {
      snapshot,
      storedAt: Date.now(),
    });
  }

  /** Replaces every entry of this installation with a newer snapshot. */
  update(snapshot: InstallationSnapshot): void {
    for (const [key, entry] of this.entries) {
      if (
        entry.snapshot.id === snapshot.id &&
        entry.snapshot.revision < snapshot.revision
      ) {
        this.entries.set(key, { snapshot, storedAt: Date.now() });
      }
    }
  }

  /**
   * Drops the company's entries that a change to `installationId` at
   * `revision` may have made stale. Entries already at that revision of
   * that installation stay, so a process keeps what it wrote itself.
   */
  invalidate(
    companyId: number,
    installationId: string,
    revision: number,
  ): void {
    for (const [key, entry] of this.entries) {
      const { snapshot } = entry;
      if (snapshot.companyId !== companyId) {
        continue;
      }
      const current =
        snapshot.id === installationId && snapshot.revision >= revision;
      if (!current) {
        this.entries.delete(key);
      }
    }
  }

  /** Drops every entry of this installation. */
  remove(installationId: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.snapshot.id === installationId) {
        this.entries.delete(key);
      }
    }
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

function cacheKey(companyId: number, userId: number | null): string {
  return `${companyId}:${userId ?? 'default'}`;
}
