import { Controller, Get, Query } from '@nestjs/common';
import { SandboxServers } from '../sandbox-servers.service';
import type { CompanyRecord, FileRecord } from '../state/sandbox-data';
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

/** The files endpoint pages at most 100 items. */
const FILES_MAX_LIMIT = 100;
const FILE_SORT_FIELDS = ['id', 'update_time'] as const;

@Controller('api/v1/files')
export class FilesController {
  constructor(
    private readonly data: CompanyData,
    private readonly servers: SandboxServers,
  ) {}

  @Get()
  @RequireScopes(
    'deals:read',
    'deals:full',
    'activities:read',
    'activities:full',
    'contacts:read',
    'contacts:full',
  )
  list(
    @Caller() caller: ApiCaller,
    @Query() rawQuery: Record<string, unknown>,
  ): object {
    const query = new QueryReader(rawQuery);
    const company = this.data.companyOf(caller);
    const { start, limit } = query.pagination(FILES_MAX_LIMIT);
    const sort = query.sort('sort', FILE_SORT_FIELDS);
    const files = sortRecords(
      company.files.filter((file) => file.active_flag),
      sort,
    );
    const page = paginate(files, start, limit);
    const apiDomain = this.servers.apiDomain(company.id);

    return {
      success: true,
      data: page.items.map((file) => toFileView(file, company, apiDomain)),
      additional_data: { pagination: page.pagination },
    };
  }
}

/** Adds related names and the download URL; absent relations are left out. */
function toFileView(
  file: FileRecord,
  company: CompanyRecord,
  apiDomain: string,
): object {
  const view = withoutNulls(file);
  const names: Array<[string, string | undefined]> = [
    ['deal_name', company.deals.find((d) => d.id === file.deal_id)?.title],
    ['person_name', company.persons.find((p) => p.id === file.person_id)?.name],
    ['org_name', company.organizations.find((o) => o.id === file.org_id)?.name],
    ['lead_name', company.leads.find((l) => l.id === file.lead_id)?.title],
  ];
  for (const [field, name] of names) {
    if (name !== undefined) {
      view[field] = name;
    }
  }
  view.url = `${apiDomain}/api/v1/files/${file.id}/download`;

  return view;
}
