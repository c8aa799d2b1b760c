import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { type TenantContext } from '../../auth/caller';
import { Tenant } from '../../auth/tenant.decorator';
import { forwardResponse } from '../../proxy/forward-response';
import { ListNotesQuery } from './list-notes.query';
import { NotesService } from './notes.service';

@ApiTags('notes')
@ApiBearerAuth()
@Controller('companies/:companyId/api/v1/notes')
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Get()
  @ApiOperation({
    summary: "List the company's notes (Pipedrive GET /api/v1/notes)",
  })
  async list(
    @Tenant() tenant: TenantContext,
    @Query() query: ListNotesQuery,
    @Res() response: Response,
  ): Promise<void> {
    await forwardResponse(response, await this.notes.send(tenant, query));
  }
}
