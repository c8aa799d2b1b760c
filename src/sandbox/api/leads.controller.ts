import { Controller, Get, Query } from '@nestjs/common';
import type { LeadRecord } from '../state/sandbox-data';
import { parseTime } from '../seed/time-format';
import type { ApiCaller } from './api-gate.service';
import { Caller } from './api-caller.decorator';
import { CompanyData, matchesConditions } from './company-data.service';
import { paginate, QueryReader, sortRecords } from './query-reader';
import { RequireScopes } from './required-scopes';

/** Fields that `sort` accepts for leads. */
const LEAD_SORT_FIELDS = [
  'id',
  'title',
  'owner_id',
  'creator_id',
  'was_seen',
  'expected_close_date',
  'next_activity_id',
  'add_time',
  'update_time',
] as const;

@Controller('api/v1/leads')
export class LeadsController {
  constructor(private readonly data: CompanyData) {}

  @Get()
  @RequireScopes('leads:read', 'leads:full')
  list(
    @Caller() caller: ApiCaller,
    @Query() query: Record<string, unknown>,
  ): object {
    return this.listLeads(caller, new QueryReader(query), false);
  }

  @Get('archived')
  @RequireScopes('leads:read', 'leads:full')
  listArchived(
    @Caller() caller: ApiCaller,
    @Query() query: Record<string, unknown>,
  ): object {
    return this.listLeads(caller, new QueryReader(query), true);
  }

  private listLeads(
    caller: ApiCaller,
    query: QueryReader,
    archived: boolean,
  ): object {
    const company = this.data.companyOf(caller);
    const { start, limit } = query.pagination();
    const ownerId = query.id('owner_id');
    const personId = query.id('person_id');
    const organizationId = query.id('organization_id');
    const filterId = query.id('filter_id');
    const updatedSince = query.dateTime('updated_since');
    const sort = query.sort('sort', LEAD_SORT_FIELDS);

    // A saved filter takes precedence over owner, person and organization.
    const filter =
      filterId === undefined
        ? undefined
        : this.data.filterConditions(company, filterId, 'leads');
    const matches = (lead: LeadRecord): boolean => {
      if (lead.is_archived !== archived) {
        return false;
      }
      if (filter) {
        if (!matchesConditions(lead, filter)) {
          return false;
        }
      } else if (
        (ownerId !== undefined && lead.owner_id !== ownerId) ||
        (personId !== undefined && lead.person_id !== personId) ||
        (organizationId !== undefined &&
          lead.organization_id !== organizationId)
      ) {
        return false;
      }

      return (
        updatedSince === undefined ||
        parseTime(lead.update_time) >= updatedSince
      );
    };

    const leads = sortRecords(company.leads.filter(matches), sort);
    const page = paginate(leads, start, limit);

    return {
      success: true,
      data: page.items,
      additional_data: {
        start: page.pagination.start,
        limit: page.pagination.limit,
        more_items_in_collection: page.pagination.more_items_in_collection,
      },
    };
  }
}
