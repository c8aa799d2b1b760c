import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { type TenantContext } from '../../auth/caller';
import { Tenant } from '../../auth/tenant.decorator';
import { forwardResponse } from '../../proxy/forward-response';
import { FilesService } from './files.service';
import { ListFilesQuery } from './list-files.query';

@ApiTags('files')
@ApiBearerAuth()
@Controller('companies/:companyId/api/v1/files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Get()
  @ApiOperation({
    summary: "List the company's files (Pipedrive GET /api/v1/files)",
  })
  async list(
    @Tenant() tenant: TenantContext,
    @Query() query: ListFilesQuery,
    @Res() response: Response,
  ): Promise<void> {
    await forwardResponse(response, await this.files.send(tenant, query));
  }
}
