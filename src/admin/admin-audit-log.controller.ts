import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminOnly } from '../auth/admin-only.decorator';
import { AuditLogService } from '../audit/audit-log.service';
import { ADMIN_AUTH_DESCRIPTION } from './admin-installations.controller';
import { AuditLogEntryView, toAuditLogEntryView } from './admin-views';
import { ApiPageResponse } from './api-page-response';
import { ListAuditLogQuery } from './dto/list-audit-log.query';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  type Page,
  toPage,
} from './pagination';

@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or invalid credential' })
@ApiForbiddenResponse({ description: 'A credential other than the admin key' })
@AdminOnly()
@Controller('admin/audit-log')
export class AdminAuditLogController {
  constructor(private readonly audit: AuditLogService) {}

  @Get()
  @ApiOperation({
    summary: 'List audit log entries, newest first',
    description: ADMIN_AUTH_DESCRIPTION,
  })
  @ApiPageResponse(AuditLogEntryView)
  async list(
    @Query() query: ListAuditLogQuery,
  ): Promise<Page<AuditLogEntryView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const beforeId =
      query.cursor === undefined
        ? undefined
        : Number(decodeCursor(query.cursor, [/^[1-9]\d{0,15}$/])[0]);
    const rows = await this.audit.list({
      limit: limit + 1,
      beforeId,
      installationId: query.installationId,
      action: query.action,
    });

    return toPage(rows, limit, toAuditLogEntryView, (row) => [String(row.id)]);
  }
}
