import { Controller, Get } from '@nestjs/common';
import type { ApiCaller } from './api-gate.service';
import { Caller } from './api-caller.decorator';
import { CompanyData } from './company-data.service';
import { RequireScopes } from './required-scopes';

@Controller('api/v1/userSettings')
export class UserSettingsController {
  constructor(private readonly data: CompanyData) {}

  @Get()
  @RequireScopes('base')
  get(@Caller() caller: ApiCaller): object {
    return { success: true, data: this.data.userOf(caller).settings };
  }
}
