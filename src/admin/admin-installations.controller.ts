import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminOnly } from '../auth/admin-only.decorator';
import { type Caller } from '../auth/caller';
import { ApiPageResponse } from './api-page-response';
import { AdminInstallationsService } from './admin-installations.service';
import { CurrentCaller, UuidParamPipe } from './admin-request';
import {
  type InstallationView,
  RevokedInstallationView,
  InstallationView as InstallationSchema,
} from './admin-views';
import { ListInstallationsQuery } from './dto/list-installations.query';
import { type Page } from './pagination';

export const ADMIN_AUTH_DESCRIPTION =
  'Needs `Authorization: Bearer <ADMIN_API_KEY>`: another credential gets 401, a service API key gets 403.';

@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or invalid credential' })
@ApiForbiddenResponse({ description: 'A credential other than the admin key' })
@AdminOnly()
@Controller('admin/installations')
export class AdminInstallationsController {
  constructor(private readonly installations: AdminInstallationsService) {}

  @Get()
  @ApiOperation({
    summary: 'List installations, newest first',
    description: ADMIN_AUTH_DESCRIPTION,
  })
  @ApiPageResponse(InstallationSchema)
  list(
    @Query() query: ListInstallationsQuery,
  ): Promise<Page<InstallationView>> {
    return this.installations.list(query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Show one installation',
    description: ADMIN_AUTH_DESCRIPTION,
  })
  @ApiOkResponse({ type: InstallationSchema })
  @ApiNotFoundResponse({ description: '`installation_not_found`' })
  get(@Param('id', new UuidParamPipe()) id: string): Promise<InstallationView> {
    return this.installations.get(id);
  }

  @Post(':id/refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Refresh the tokens now',
    description: `${ADMIN_AUTH_DESCRIPTION} Returns 409 \`reauthorization_required\` when Pipedrive rejects the grant (the user must install the app again), 503 \`refresh_failed\` when Pipedrive cannot be reached, and 409 \`installation_not_active\` for a revoked or uninstalled installation.`,
  })
  @ApiOkResponse({ type: InstallationSchema })
  refresh(
    @CurrentCaller() caller: Caller,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<InstallationView> {
    return this.installations.refresh(caller, id);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke the grant at Pipedrive, then erase the tokens',
    description: `${ADMIN_AUTH_DESCRIPTION} The installation stays listed with status \`revoked\`.`,
  })
  @ApiOkResponse({ type: RevokedInstallationView })
  revoke(
    @CurrentCaller() caller: Caller,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<RevokedInstallationView> {
    return this.installations.revoke(caller, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Erase the installation and its tokens without telling Pipedrive',
    description: ADMIN_AUTH_DESCRIPTION,
  })
  @ApiNoContentResponse()
  erase(
    @CurrentCaller() caller: Caller,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<void> {
    return this.installations.erase(caller, id);
  }
}
