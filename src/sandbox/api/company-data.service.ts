import { Injectable } from '@nestjs/common';
import type { CompanyRecord, UserRecord } from '../state/sandbox-data';
import { SandboxStore } from '../state/sandbox-store.service';
import type { ApiCaller } from './api-gate.service';
import { API_ERRORS } from './pipedrive-api-error';

/** Looks up the caller's company and user for API handlers. */
@Injectable()
export class CompanyData {
  constructor(private readonly store: SandboxStore) {}

  companyOf(caller: ApiCaller): CompanyRecord {
    const company = this.store.company(caller.companyId);
    if (!company) {
      throw API_ERRORS.unauthorized();
    }

    return company;
  }

  userOf(caller: ApiCaller): UserRecord {
    const user = this.companyOf(caller).users.find(
      (candidate) => candidate.id === caller.userId,
    );
    if (!user) {
      throw API_ERRORS.unauthorized();
    }

    return user;
  }

  /** Finds a saved filter of the given type or raises a 400 naming it. */
  filterConditions(
    company: CompanyRecord,
    filterId: number,
    type: 'leads' | 'deals',
  ): Record<string, number | string> {
    const filter = company.filters.find(
      (candidate) => candidate.id === filterId && candidate.type === type,
    );
    if (!filter) {
      throw API_ERRORS.badRequest(
        `Invalid parameter "filter_id": no ${type} filter with id ${filterId}.`,
      );
    }

    return filter.conditions;
  }

  markChanged(): void {
    this.store.changed();
  }
}

/** Checks that a record has every field value the conditions list. */
export function matchesConditions(
  record: object,
  conditions: Record<string, number | string>,
): boolean {
  return Object.entries(conditions).every(
    ([field, value]) => (record as Record<string, unknown>)[field] === value,
  );
}
