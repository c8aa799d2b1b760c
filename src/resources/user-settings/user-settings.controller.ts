import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { type TenantContext } from '../../auth/caller';
import { Tenant } from '../../auth/tenant.decorator';
import { NoQueryParametersPipe } from '../../common/validation/no-query-parameters.pipe';
import { forwardResponse } from '../../proxy/forward-response';
import { UserSettingsService } from './user-settings.service';

@ApiTags('user settings')
@ApiBearerAuth()
@Controller('companies/:companyId/api/v1/userSettings')
export class UserSettingsController {
  constructor(private readonly userSettings: UserSettingsService) {}

  /** The spec defines no query parameters, so any is rejected. */
  @Get()
  @ApiOperation({
    summary:
      "Get the acting user's settings (Pipedrive GET /api/v1/userSettings)",
  })
  async get(
    @Tenant() tenant: TenantContext,
    @Query(NoQueryParametersPipe) _query: Record<string, never>,
    @Res() response: Response,
  ): Promise<void> {
    await forwardResponse(response, await this.userSettings.send(tenant));
  }
}
