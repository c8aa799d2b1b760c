import { Controller, Get, Query } from '@nestjs/common';
import { parseTime } from '../seed/time-format';
import { toV2View } from '../webhooks/entity-views';
import type { DealRecord } from '../state/sandbox-data';
import type { ApiCaller } from './api-gate.service';
import { Caller } from './api-caller.decorator';
import { CompanyData, matchesConditions } from './company-data.service';
import { API_ERRORS } from './pipedrive-api-error';
import { QueryReader, sortRecords } from './query-reader';
import { RequireScopes } from './required-scopes';

const DEAL_STATUSES = ['open', 'won', 'lost', 'deleted'];

/** API v2 deals list with cursor pagination. */
@Controller('api/v2/deals')
export class DealsV2Controller {
  constructor(private readonly data: CompanyData) {}

  @Get()
  @RequireScopes('deals:read', 'deals:full')
  list(
    @Caller() caller: ApiCaller,
    @Query() rawQuery: Record<string, unknown>,
  ): object {
    const query = new QueryReader(rawQuery);
    const company = this.data.companyOf(caller);
    const limit = query.integer('limit', { min: 1, max: 500 }) ?? 100;
    const offset = decodeCursor(query.string('cursor'));
    const filterId = query.id('filter_id');
    const ids = readIdList(query.string('ids'));
    const statuses = readStatuses(query.string('status'));
    const updatedSince = query.dateTime('updated_since');
    const updatedUntil = query.dateTime('updated_until');
    const sortBy =
      query.oneOf('sort_by', ['id', 'update_time', 'add_time'] as const) ??
      'id';
    const direction = query.oneOf('sort_direction', ['asc', 'desc'] as const);
    const relations = (
      ['owner_id', 'person_id', 'org_id', 'pipeline_id', 'stage_id'] as const
    ).map((name) => [name, query.id(name)] as const);
    const filter =
      filterId === undefined
        ? undefined
        : this.data.filterConditions(company, filterId, 'deals');

    const matches = (deal: DealRecord): boolean => {
      const state = deal.is_deleted ? 'deleted' : deal.status;
      const updated = parseTime(deal.update_time);
      const fields: Record<string, unknown> = {
        ...deal,
        owner_id: deal.user_id,
      };

      return (
        (statuses ? statuses.includes(state) : !deal.is_deleted) &&
        (filter === undefined || matchesConditions(deal, filter)) &&
        (ids === undefined || ids.includes(deal.id)) &&
        relations.every(
          ([name, id]) => id === undefined || fields[name] === id,
        ) &&
        (updatedSince === undefined || updated >= updatedSince) &&
        (updatedUntil === undefined || updated < updatedUntil)
      );
    };
    const deals = sortRecords(company.deals.filter(matches), [
      { field: sortBy, direction: direction === 'desc' ? 'DESC' : 'ASC' },
    ]);
    const page = deals.slice(offset, offset + limit);
    const more = offset + limit < deals.length;

    return {
      success: true,
      data: page.map((deal) => toV2View('deal', deal)),
      additional_data: {
        next_cursor: more ? encodeCursor(offset + limit) : null,
      },
    };
  }
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) {
    return 0;
  }
  try {
    const parsed = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    );
    if (Number.isInteger(parsed?.offset) && parsed.offset >= 0) {
      return parsed.offset as number;
    }
  } catch {
    // Reported below like any other malformed cursor.
  }
  throw API_ERRORS.badRequest(
    'Invalid parameter "cursor": use the next_cursor of a previous response.',
  );
}

function readIdList(text: string | undefined): number[] | undefined {
  if (text === undefined) {
    return undefined;
  }
  const ids = text.split(',').map((part) => Number(part.trim()));
  if (ids.length > 100 || !ids.every((id) => Number.isInteger(id) && id > 0)) {
    throw API_ERRORS.badRequest(
      'Invalid parameter "ids": expected up to 100 comma-separated positive integers.',
    );
  }

  return ids;
}

function readStatuses(text: string | undefined): string[] | undefined {
  if (text === undefined) {
    return undefined;
  }
  const statuses = text.split(',').map((part) => part.trim());
  if (!statuses.every((status) => DEAL_STATUSES.includes(status))) {
    throw API_ERRORS.badRequest(
      `Invalid parameter "status": expected comma-separated values of ${DEAL_STATUSES.join(', ')}.`,
    );
  }

  return statuses;
}
