import {
  Body,
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
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminOnly } from '../auth/admin-only.decorator';
import { type Caller } from '../auth/caller';
import { ADMIN_AUTH_DESCRIPTION } from './admin-installations.controller';
import { ApiPageResponse } from './api-page-response';
import { AdminApiKeysService } from './admin-api-keys.service';
import { CurrentCaller, UuidParamPipe } from './admin-request';
import { ApiKeyView, CreatedApiKeyView } from './admin-views';
import { CreateApiKeyBody } from './dto/create-api-key.body';
import { PageQuery } from './dto/page.query';
import { type Page } from './pagination';

@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or invalid credential' })
@ApiForbiddenResponse({ description: 'A credential other than the admin key' })
@AdminOnly()
@Controller('admin/api-keys')
export class AdminApiKeysController {
  constructor(private readonly apiKeys: AdminApiKeysService) {}

  @Post()
  @ApiOperation({
    summary:
      'Create a service API key; the response is the only time the key is shown',
    description: ADMIN_AUTH_DESCRIPTION,
  })
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  create(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateApiKeyBody,
  ): Promise<CreatedApiKeyView> {
    return this.apiKeys.create(caller, body);
  }

  @Get()
  @ApiOperation({
    summary: 'List service API keys, newest first',
    description: ADMIN_AUTH_DESCRIPTION,
  })
  @ApiPageResponse(ApiKeyView)
  list(@Query() query: PageQuery): Promise<Page<ApiKeyView>> {
    return this.apiKeys.list(query);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke a service API key',
    description: ADMIN_AUTH_DESCRIPTION,
  })
  @ApiNoContentResponse()
  revoke(
    @CurrentCaller() caller: Caller,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<void> {
    return this.apiKeys.revoke(caller, id);
  }
}
