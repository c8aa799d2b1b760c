import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { type TenantContext } from '../../auth/caller';
import { Tenant } from '../../auth/tenant.decorator';
import { forwardResponse } from '../../proxy/forward-response';
import { LeadsService } from './leads.service';
import { ListArchivedLeadsQuery, ListLeadsQuery } from './list-leads.query';

@ApiTags('leads')
@ApiBearerAuth()
@Controller('companies/:companyId/api/v1/leads')
export class LeadsController {
  constructor(private readonly leads: LeadsService) {}

  @Get()
  @ApiOperation({
    summary: "List the company's leads (Pipedrive GET /api/v1/leads)",
  })
  async list(
    @Tenant() tenant: TenantContext,
    @Query() query: ListLeadsQuery,
    @Res() response: Response,
  ): Promise<void> {
    await forwardResponse(response, await this.leads.send(tenant, query));
  }

  @Get('archived')
  @ApiOperation({
    summary:
      "List the company's archived leads (Pipedrive GET /api/v1/leads/archived)",
  })
  async listArchived(
    @Tenant() tenant: TenantContext,
    @Query() query: ListArchivedLeadsQuery,
    @Res() response: Response,
  ): Promise<void> {
    await forwardResponse(response, await this.leads.send(tenant, query, true));
  }
}
