import { Inject, Injectable } from '@nestjs/common';
import {
  SANDBOX_OPTIONS,
  type ResolvedSandboxOptions,
} from '../sandbox-options';
import { buildSeedCompanies } from '../seed/seed-data';
import type { CompanyRecord, SandboxData } from './sandbox-data';
import { readStateFile, writeStateFile } from './state-file';

/** Delay that batches bursts of changes into one state file write. */
const SAVE_DEBOUNCE_MS = 50;

/**
 * Owns the sandbox's mutable data and saves it to the state file, when one
 * is configured, shortly after every change.
 */
@Injectable()
export class SandboxStore {
  data: SandboxData;
  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions,
  ) {
    this.data = this.seed();
  }

  /** Replaces the data with the saved state, if the state file exists. */
  async load(): Promise<void> {
    if (!this.options.stateFile) {
      return;
    }
    const saved = await readStateFile(this.options.stateFile);
    if (saved) {
      this.data = saved;
      this.options.logger.info(
        { stateFile: this.options.stateFile },
        'Sandbox state loaded',
      );
    }
  }

  /** Restores the seed: forgets every token, webhook and record change. */
  reset(): void {
    const ports = new Map(
      this.data.companies.map((company) => [company.id, company.port]),
    );
    const oauthPort = this.data.oauthPort;
    this.data = this.seed();
    this.data.oauthPort = oauthPort;
    for (const company of this.data.companies) {
      company.port = ports.get(company.id) ?? null;
    }
    this.changed();
  }

  companies(): CompanyRecord[] {
    return this.data.companies;
  }

  company(companyId: number): CompanyRecord | undefined {
    return this.data.companies.find((company) => company.id === companyId);
  }

  /** Schedules a save of the state file after a change. */
  changed(): void {
    if (!this.options.stateFile || this.saveTimer) {
      return;
    }
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.save();
    }, SAVE_DEBOUNCE_MS);
  }

  /** Writes any pending change now and waits for it. */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    await this.save();
  }

  private save(): Promise<void> {
    const stateFile = this.options.stateFile;
    if (!stateFile) {
      return Promise.resolve();
    }
    // Chain writes so two saves never race on the temporary file.
    this.saving = this.saving
      .then(() => writeStateFile(stateFile, this.data))
      .catch((error: unknown) => {
        this.options.logger.error(
          { err: error, stateFile },
          'Saving sandbox state failed',
        );
      });

    return this.saving;
  }

  private seed(): SandboxData {
    return {
      version: 1,
      appScopes: [...this.options.appScopes],
      companies: buildSeedCompanies(),
      tokens: {},
      webhooks: [],
      nextWebhookId: 1,
    };
  }
}
