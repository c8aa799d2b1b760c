import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  SANDBOX_OPTIONS,
  type ResolvedSandboxOptions,
} from '../sandbox-options';
import { isoTime, sqlTime } from '../seed/time-format';
import type { CompanyRecord } from '../state/sandbox-data';
import { SandboxStore } from '../state/sandbox-store.service';
import type { EntityObject } from './entity-views';
import type { EventAction, RecordEvent } from './event-payloads';

/** The field a "change" event edits on each kind of record. */
const CHANGED_FIELD: Record<EntityObject, string> = {
  lead: 'title',
  deal: 'title',
  note: 'content',
  person: 'name',
  organization: 'name',
};

interface MutableRecord {
  id: number | string;
  update_time: string;
  [field: string]: unknown;
}

/**
 * Changes seeded records the way a Pipedrive user would, and describes each
 * change as an event for webhook delivery. Changes are saved with the state.
 */
@Injectable()
export class RecordEvents {
  private sequence = 0;

  constructor(
    private readonly store: SandboxStore,
    @Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions,
  ) {}

  apply(
    company: CompanyRecord,
    object: EntityObject,
    action: EventAction,
  ): RecordEvent {
    const records = recordsOf(company, object);
    const now = this.options.now();
    const timeOf = object === 'lead' ? isoTime : sqlTime;
    const actor = company.users[0];
    this.sequence += 1;

    let entityId: number | string;
    let current: MutableRecord | null;
    let previous: object | null;
    if (action === 'create') {
      current = this.newRecord(company, object, records, timeOf(now));
      records.push(current);
      entityId = current.id;
      previous = null;
    } else {
      const target = records.at(action === 'delete' ? -1 : 0);
      if (!target) {
        throw new Error(
          `Company ${company.id} has no ${object} left to ${action}`,
        );
      }
      entityId = target.id;
      if (action === 'delete') {
        records.pop();
        current = null;
        previous = { ...target };
      } else {
        const field = CHANGED_FIELD[object];
        previous = { [field]: target[field], update_time: target.update_time };
        target[field] =
          `${String(target[field]).replace(/ \(edited \d+\)$/, '')} (edited ${this.sequence})`;
        target.update_time = timeOf(now);
        current = { ...target };
      }
    }
    this.store.changed();

    return {
      id: randomUUID(),
      correlationId: randomUUID(),
      companyId: company.id,
      userId: actor.id,
      object,
      action,
      entityId,
      current,
      previous,
      timestamp: now,
      host: `${company.domain}.pipedrive.com`,
      permittedUserIds: company.users.map((user) => user.id),
    };
  }

  private newRecord(
    company: CompanyRecord,
    object: EntityObject,
    records: MutableRecord[],
    time: string,
  ): MutableRecord {
    const nextId =
      Math.max(0, ...records.map((record) => Number(record.id) || 0)) + 1;
    const owner = company.users[0].id;
    const label = `Sandbox event ${this.sequence}`;
    switch (object) {
      case 'lead':
        return {
          ...(records[0] ?? {}),
          id: randomUUID(),
          title: `${label} lead`,
          owner_id: owner,
          creator_id: owner,
          label_ids: [],
          is_archived: false,
          was_seen: false,
          value: null,
          add_time: time,
          update_time: time,
        };
      case 'deal':
        return {
          ...(records[0] ?? {}),
          id: nextId,
          title: `${label} deal`,
          value: 1000,
          currency: company.currency,
          status: 'open',
          user_id: owner,
          add_time: time,
          update_time: time,
          is_deleted: false,
        };
      case 'note':
        return {
          ...(records[0] ?? {}),
          id: nextId,
          user_id: owner,
          last_update_user_id: owner,
          content: `<p>${label} note</p>`,
          add_time: time,
          update_time: time,
          active_flag: true,
        };
      case 'person':
        return {
          id: nextId,
          name: `${label} person`,
          email: `person${nextId}@customer.example`,
          org_id: null,
          owner_id: owner,
          add_time: time,
          update_time: time,
        };
      case 'organization':
        return {
          id: nextId,
          name: `${label} organization`,
          owner_id: owner,
          address: '1 Sandbox Road',
          add_time: time,
          update_time: time,
        };
    }
  }
}

function recordsOf(
  company: CompanyRecord,
  object: EntityObject,
): MutableRecord[] {
  const lists: Record<EntityObject, unknown[]> = {
    lead: company.leads,
    deal: company.deals,
    note: company.notes,
    person: company.persons,
    organization: company.organizations,
  };

  return lists[object] as MutableRecord[];
}
