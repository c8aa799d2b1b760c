import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { type TenantContext } from '../../auth/caller';
import { Tenant } from '../../auth/tenant.decorator';
import { forwardResponse } from '../../proxy/forward-response';
import { DealsSummaryQuery } from './deals-summary.query';
import { DealsSummaryService } from './deals-summary.service';

@ApiTags('deals')
@ApiBearerAuth()
@Controller('companies/:companyId/api/v1/deals/summary')
export class DealsSummaryController {
  constructor(private readonly dealsSummary: DealsSummaryService) {}

  @Get()
  @ApiOperation({
    summary:
      "Summarise the company's deals (Pipedrive GET /api/v1/deals/summary)",
  })
  async get(
    @Tenant() tenant: TenantContext,
    @Query() query: DealsSummaryQuery,
    @Res() response: Response,
  ): Promise<void> {
    await forwardResponse(
      response,
      await this.dealsSummary.send(tenant, query),
    );
  }
}
