import { Controller, Get, Query } from '@nestjs/common';
import type { ApiCaller } from './api-gate.service';
import { Caller } from './api-caller.decorator';
import { CompanyData } from './company-data.service';
import { paginate, QueryReader } from './query-reader';
import { RequireScopes } from './required-scopes';

@Controller('api/v1/productFields')
export class ProductFieldsController {
  constructor(private readonly data: CompanyData) {}

  @Get()
  @RequireScopes('products:read', 'product-fields:full', 'products:full')
  list(
    @Caller() caller: ApiCaller,
    @Query() rawQuery: Record<string, unknown>,
  ): object {
    const { start, limit } = new QueryReader(rawQuery).pagination();
    const company = this.data.companyOf(caller);
    const page = paginate(company.productFields, start, limit);

    return {
      success: true,
      data: page.items,
      additional_data: { pagination: page.pagination },
    };
  }
}
