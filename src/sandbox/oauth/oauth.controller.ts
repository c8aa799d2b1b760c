import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  SANDBOX_OPTIONS,
  type ResolvedSandboxOptions,
} from '../sandbox-options';
import { SandboxServers } from '../sandbox-servers.service';
import { ActivityLog } from '../state/activity-log.service';
import { SandboxStore } from '../state/sandbox-store.service';
import { checkClientCredentials } from './client-credentials';
import { renderConsentPage, renderErrorPage } from './consent-page';
import { OAUTH_ERRORS } from './oauth-error';
import { Installations } from './installations.service';
import { TokenStore, type IssuedTokens } from './token-store.service';

type FormBody = Record<string, unknown>;

/** Pipedrive's OAuth server: consent page, token endpoint and revocation. */
@Controller('oauth')
export class OAuthController {
  constructor(
    private readonly store: SandboxStore,
    private readonly tokens: TokenStore,
    private readonly installations: Installations,
    private readonly servers: SandboxServers,
    private readonly activity: ActivityLog,
    @Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions,
  ) {}

  @Get('authorize')
  showConsent(@Query() query: FormBody, @Res() res: Response): void {
    const problem = this.checkAuthorizeParameters(query);
    if (problem) {
      sendErrorPage(res, problem);

      return;
    }
    this.sendConsentPage(res, 200, query);
  }

  @Post('authorize')
  decide(@Body() body: FormBody, @Res() res: Response): void {
    const problem = this.checkAuthorizeParameters(body);
    if (problem) {
      sendErrorPage(res, problem);

      return;
    }
    const redirect = new URL(this.options.app.redirectUri);
    const state = typeof body.state === 'string' ? body.state : undefined;

    if (body.decision === 'deny') {
      redirect.searchParams.set('error', 'user_denied');
    } else if (body.decision === 'allow') {
      const companyId = Number(body.company_id);
      const userId = Number(body.user_id);
      const company = this.store.company(companyId);
      if (!company) {
        this.sendConsentPage(res, 400, body, {
          error: `Company ${String(body.company_id)} does not exist. Choose a company from the list.`,
        });

        return;
      }
      if (!company.users.some((user) => user.id === userId)) {
        this.sendConsentPage(res, 400, body, {
          error: `User ${String(body.user_id)} does not belong to ${company.name}. Choose one of its users or another company.`,
        });

        return;
      }
      redirect.searchParams.set(
        'code',
        this.tokens.issueCode(companyId, userId),
      );
      this.options.logger.info(
        { companyId, userId },
        'Authorization code issued',
      );
    } else {
      this.sendConsentPage(res, 400, body, {
        error: `Decision ${JSON.stringify(body.decision ?? null)} is invalid: press Allow and install or Deny.`,
      });

      return;
    }
    if (state !== undefined) {
      redirect.searchParams.set('state', state);
    }
    res.redirect(302, redirect.toString());
  }

  @Post(['token', 'token/'])
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  grant(@Req() req: Request, @Body() body: FormBody): object {
    if (!req.is('application/x-www-form-urlencoded')) {
      throw OAUTH_ERRORS.notForm();
    }
    checkClientCredentials(req, body ?? {}, this.options.app);
    const grantType = body.grant_type;
    if (typeof grantType !== 'string' || grantType === '') {
      throw OAUTH_ERRORS.missingParameter('grant_type');
    }

    let issued: IssuedTokens;
    if (grantType === 'authorization_code') {
      const code = requireParameter(body, 'code');
      const redirectUri = requireParameter(body, 'redirect_uri');
      issued = this.tokens.exchangeCode(code, redirectUri);
    } else if (grantType === 'refresh_token') {
      issued = this.tokens.refresh(requireParameter(body, 'refresh_token'));
    } else {
      throw OAUTH_ERRORS.unsupportedGrant();
    }
    this.activity.countGrant(grantType);
    this.options.logger.info(
      {
        grantType,
        companyId: issued.companyId,
        userId: issued.userId,
        tokenId: issued.accessTokenId,
      },
      'Access token issued',
    );

    return {
      access_token: issued.accessToken,
      token_type: 'Bearer',
      refresh_token: issued.refreshToken,
      scope: issued.scopes.join(','),
      expires_in: issued.expiresIn,
      api_domain: this.servers.apiDomain(issued.companyId),
    };
  }

  /**
   * Revokes a token as RFC 7009 describes: revoking a refresh token
   * uninstalls the app for its user, revoking an access token ends only
   * that token, and unknown tokens succeed too.
   */
  @Post('revoke')
  revoke(
    @Req() req: Request,
    @Body() body: FormBody,
    @Res() res: Response,
  ): void {
    if (!req.is('application/x-www-form-urlencoded')) {
      throw OAUTH_ERRORS.notForm();
    }
    checkClientCredentials(req, body ?? {}, this.options.app);
    const token = requireParameter(body, 'token');
    this.activity.countRevocation();

    const record = this.tokens.find(token);
    if (record && !record.revoked) {
      if (record.kind === 'refresh') {
        this.installations.uninstall(record.companyId, record.userId);
      } else {
        this.tokens.revokeAccessToken(record);
      }
      this.options.logger.info(
        { tokenId: record.id, kind: record.kind, companyId: record.companyId },
        'Token revoked',
      );
    }
    res.status(200).end();
  }

  /**
   * Sends the consent form. `params` is the query or submitted form: its
   * state is passed on, and its company_id and user_id are preselected.
   */
  private sendConsentPage(
    res: Response,
    status: number,
    params: FormBody,
    extra: { error?: string } = {},
  ): void {
    res
      .status(status)
      .type('html')
      .send(
        renderConsentPage({
          companies: this.store.companies(),
          clientId: this.options.app.clientId,
          redirectUri: this.options.app.redirectUri,
          state: typeof params.state === 'string' ? params.state : undefined,
          scopes: this.store.data.appScopes,
          error: extra.error,
          selectedCompanyId: stringField(params, 'company_id'),
          selectedUserId: stringField(params, 'user_id'),
        }),
      );
  }

  /** Returns the reason the app parameters are wrong, or null. */
  private checkAuthorizeParameters(params: FormBody): string | null {
    if (typeof params.client_id !== 'string' || params.client_id === '') {
      return 'Missing parameter: client_id.';
    }
    if (params.client_id !== this.options.app.clientId) {
      return 'Invalid client: no app is registered with this client_id.';
    }
    if (typeof params.redirect_uri !== 'string' || params.redirect_uri === '') {
      return 'Missing parameter: redirect_uri.';
    }
    if (params.redirect_uri !== this.options.app.redirectUri) {
      return "Invalid redirect URL: redirect_uri must equal the app's registered callback URL.";
    }

    return null;
  }
}

function requireParameter(body: FormBody, name: string): string {
  const value = body?.[name];
  if (typeof value !== 'string' || value === '') {
    throw OAUTH_ERRORS.missingParameter(name);
  }

  return value;
}

function stringField(params: FormBody, name: string): string | undefined {
  const value = params?.[name];

  return typeof value === 'string' ? value : undefined;
}

function sendErrorPage(res: Response, message: string): void {
  res.status(400).type('html').send(renderErrorPage(message));
}
