import { Controller, Get } from '@nestjs/common';
import type { ApiCaller } from './api-gate.service';
import { Caller } from './api-caller.decorator';
import { CompanyData } from './company-data.service';
import { RequireScopes } from './required-scopes';

@Controller('api/v1')
export class UsersController {
  constructor(private readonly data: CompanyData) {}

  @Get('users/me')
  @RequireScopes('base')
  me(@Caller() caller: ApiCaller): object {
    const company = this.data.companyOf(caller);
    const user = this.data.userOf(caller);
    const [language, country] = user.locale.split('_');
    const permissionSetId = `${user.is_admin ? 'a' : 'u'}${String(company.id).padStart(8, '0')}`;

    return {
      success: true,
      data: {
        id: user.id,
        name: user.name,
        default_currency: user.default_currency,
        locale: user.locale,
        lang: user.lang,
        email: user.email,
        phone: user.phone,
        activated: true,
        last_login: user.last_login,
        created: user.created,
        modified: user.last_login,
        has_created_company: user.id === company.users[0].id,
        access: [
          {
            app: 'sales',
            admin: user.is_admin,
            permission_set_id: permissionSetId,
          },
          {
            app: 'global',
            admin: user.is_admin,
            permission_set_id: permissionSetId,
          },
        ],
        active_flag: true,
        timezone_name: user.timezone_name,
        timezone_offset: user.timezone_offset,
        role_id: user.role_id,
        icon_url: user.icon_url,
        is_you: true,
        is_deleted: false,
        is_admin: user.is_admin,
        company_id: company.id,
        company_name: company.name,
        company_domain: company.domain,
        company_country: company.country,
        company_industry: company.industry,
        language: { language_code: language, country_code: country },
      },
    };
  }
}
