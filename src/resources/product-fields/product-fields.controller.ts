import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { type TenantContext } from '../../auth/caller';
import { Tenant } from '../../auth/tenant.decorator';
import { forwardResponse } from '../../proxy/forward-response';
import { ListProductFieldsQuery } from './list-product-fields.query';
import { ProductFieldsService } from './product-fields.service';

@ApiTags('product fields')
@ApiBearerAuth()
@Controller('companies/:companyId/api/v1/productFields')
export class ProductFieldsController {
  constructor(private readonly productFields: ProductFieldsService) {}

  @Get()
  @ApiOperation({
    summary:
      "List the company's product fields (Pipedrive GET /api/v1/productFields)",
  })
  async list(
    @Tenant() tenant: TenantContext,
    @Query() query: ListProductFieldsQuery,
    @Res() response: Response,
  ): Promise<void> {
    await forwardResponse(
      response,
      await this.productFields.send(tenant, query),
    );
  }
}
