import { Controller, Get, Query } from '@nestjs/common';
import { isoDate, parseTime } from '../seed/time-format';
import type { CompanyRecord, NoteRecord } from '../state/sandbox-data';
import type { ApiCaller } from './api-gate.service';
import { Caller } from './api-caller.decorator';
import { CompanyData } from './company-data.service';
import {
  paginate,
  QueryReader,
  sortRecords,
  withoutNulls,
} from './query-reader';
import { RequireScopes } from './required-scopes';

const NOTE_SORT_FIELDS = [
  'id',
  'user_id',
  'deal_id',
  'person_id',
  'org_id',
  'content',
  'add_time',
  'update_time',
] as const;

const PINNED_FLAGS = [
  'pinned_to_lead_flag',
  'pinned_to_deal_flag',
  'pinned_to_organization_flag',
  'pinned_to_person_flag',
  'pinned_to_project_flag',
  'pinned_to_task_flag',
] as const;

/** Relation filters: query parameter and the note field it matches. */
const ID_FILTERS = [
  'user_id',
  'deal_id',
  'person_id',
  'org_id',
  'project_id',
  'task_id',
] as const;

@Controller('api/v1/notes')
export class NotesController {
  constructor(private readonly data: CompanyData) {}

  @Get()
  @RequireScopes('deals:read', 'deals:full', 'contacts:read', 'contacts:full')
  list(
    @Caller() caller: ApiCaller,
    @Query() rawQuery: Record<string, unknown>,
  ): object {
    const query = new QueryReader(rawQuery);
    const company = this.data.companyOf(caller);
    const { start, limit } = query.pagination();
    const ids = ID_FILTERS.map((name) => [name, query.id(name)] as const);
    const leadId = query.uuid('lead_id');
    const startDate = query.date('start_date');
    const endDate = query.date('end_date');
    const updatedSince = query.dateTime('updated_since');
    const flags = PINNED_FLAGS.map((name) => [name, query.flag(name)] as const);
    const sort = query.sort('sort', NOTE_SORT_FIELDS);

    const matches = (note: NoteRecord): boolean => {
      const day = isoDate(parseTime(note.add_time));

      return (
        note.active_flag &&
        ids.every(([name, id]) => id === undefined || note[name] === id) &&
        (leadId === undefined || note.lead_id === leadId) &&
        (startDate === undefined || day >= startDate) &&
        (endDate === undefined || day <= endDate) &&
        (updatedSince === undefined ||
          parseTime(note.update_time) >= updatedSince) &&
        flags.every(([name, flag]) => flag === undefined || note[name] === flag)
      );
    };
    const notes = sortRecords(company.notes.filter(matches), sort);
    const page = paginate(notes, start, limit);

    return {
      success: true,
      data: page.items.map((note) => toNoteView(note, company, caller)),
      additional_data: { pagination: page.pagination },
    };
  }
}

/**
 * Adds the related names Pipedrive embeds. Relations the note lacks are
 * left out, because the spec types them as non-nullable.
 */
function toNoteView(
  note: NoteRecord,
  company: CompanyRecord,
  caller: ApiCaller,
): object {
  const view = withoutNulls(note);
  const deal = company.deals.find((candidate) => candidate.id === note.deal_id);
  const person = company.persons.find(
    (candidate) => candidate.id === note.person_id,
  );
  const organization = company.organizations.find(
    (candidate) => candidate.id === note.org_id,
  );
  const user = company.users.find((candidate) => candidate.id === note.user_id);
  if (deal) {
    view.deal = { title: deal.title };
  }
  if (person) {
    view.person = { name: person.name };
  }
  if (organization) {
    view.organization = { name: organization.name };
  }
  if (user) {
    view.user = {
      email: user.email,
      ...(user.icon_url === null ? {} : { icon_url: user.icon_url }),
      is_you: user.id === caller.userId,
      name: user.name,
    };
  }

  return view;
}
