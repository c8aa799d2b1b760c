import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import { type StateStore, Strategy } from 'passport-oauth2';
import { GATEWAY_CONFIG } from '../config/config.module';
import { type GatewayConfig } from '../config/gateway-config';
import { type Installation } from '../installations/installation.entity';
import { InstallationsService } from '../installations/installations.service';
import { PipedriveApiClient } from '../pipedrive/pipedrive-api.client';
import {
  PipedriveOAuthClient,
  type TokenGrant,
} from '../pipedrive/pipedrive-oauth.client';
import { OAuthStateStore } from './oauth-state.store';

/** Each strategy gets its own Passport, so two apps in one process never share one. */
const passportInstances = new WeakMap<object, passport.PassportStatic>();

type ExchangeCallback = (
  error: unknown,
  accessToken?: string,
  refreshToken?: string,
  params?: TokenGrant,
) => void;

/**
 * passport-oauth2 set up for Pipedrive. Passport builds the authorize
 * redirect and checks `state` through OAuthStateStore; the code exchange
 * goes through PipedriveOAuthClient, which authenticates the app with HTTP
 * Basic as Pipedrive requires (passport-oauth2 would put the secret in the body).
 */
@Injectable()
export class PipedriveStrategy extends PassportStrategy(
  Strategy,
  'pipedrive',
  5,
) {
  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    store: OAuthStateStore,
    oauthClient: PipedriveOAuthClient,
    private readonly apiClient: PipedriveApiClient,
    private readonly installations: InstallationsService,
  ) {
    const { oauthUrl, clientId, clientSecret, redirectUri } = config.pipedrive;
    super({
      authorizationURL: `${oauthUrl}/oauth/authorize`,
      tokenURL: `${oauthUrl}/oauth/token`,
      clientID: clientId,
      clientSecret,
      callbackURL: redirectUri,
      store: store as unknown as StateStore,
      skipUserProfile: true,
    });
    const oauth2 = (this as unknown as { _oauth2: Record<string, unknown> })
      ._oauth2;
    oauth2.getOAuthAccessToken = (
      code: string,
      _params: unknown,
      callback: ExchangeCallback,
    ) => {
      oauthClient.exchangeCode(code, redirectUri).then(
        (grant) => callback(null, grant.accessToken, grant.refreshToken, grant),
        (error: unknown) => callback(error),
      );
    };
  }

  getPassportInstance(): passport.PassportStatic {
    let instance = passportInstances.get(this);
    if (!instance) {
      instance = new passport.Passport() as passport.PassportStatic;
      passportInstances.set(this, instance);
    }

    return instance;
  }

  /** Reads the installing user from the api_domain and stores the install. */
  async validate(
    accessToken: string,
    _refreshToken: string,
    grant: TokenGrant,
  ): Promise<Installation> {
    const me = await this.apiClient.getCurrentUser(
      grant.apiDomain,
      accessToken,
    );
    const companyId = Number(me.company_id);
    const userId = Number(me.id);
    if (!Number.isInteger(companyId) || !Number.isInteger(userId)) {
      throw new Error(
        'Pipedrive users/me response is missing company_id or id',
      );
    }

    return this.installations.recordInstall(grant, {
      companyId,
      userId,
      companyName: typeof me.company_name === 'string' ? me.company_name : null,
      companyDomain:
        typeof me.company_domain === 'string' ? me.company_domain : null,
      userName: typeof me.name === 'string' ? me.name : null,
      isAdmin: me.is_admin === true || me.is_admin === 1,
    });
  }
}
