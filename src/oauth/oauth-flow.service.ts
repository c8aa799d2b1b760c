import { Injectable, Logger } from '@nestjs/common';
import { type NextFunction, type Request, type Response } from 'express';
import { GatewayException } from '../common/errors/gateway.exception';
import { type Installation } from '../installations/installation.entity';
import { OAuthServerError } from '../pipedrive/pipedrive-oauth.client';
import { type StateRejection } from './oauth-state.store';
import { PipedriveStrategy } from './pipedrive.strategy';

/** The outcome of a callback, for the page shown in the browser. */
export type CallbackOutcome =
  | { kind: 'installed'; installation: Installation }
  | { kind: 'failed'; status: number; message: string };

/** Runs passport's authorize redirect and callback outside of a guard. */
@Injectable()
export class OAuthFlowService {
  private readonly logger = new Logger(OAuthFlowService.name);

  constructor(private readonly strategy: PipedriveStrategy) {}

  /** Sends the 302 to Pipedrive's consent page. */
  start(request: Request, response: Response, next: NextFunction): void {
    const authenticate = this.strategy
      .getPassportInstance()
      .authenticate('pipedrive', { session: false });
    authenticate(request, response, next);
  }

  finish(request: Request, response: Response): Promise<CallbackOutcome> {
    return new Promise((resolve) => {
      const authenticate = this.strategy
        .getPassportInstance()
        .authenticate(
          'pipedrive',
          { session: false },
          (
            error: unknown,
            installation: Installation | false,
            info: unknown,
            status?: number,
          ) => {
            if (error) {
              resolve(this.describeFailure(error));
            } else if (!installation) {
              const rejection = info as StateRejection | undefined;
              resolve({
                kind: 'failed',
                status: rejection?.status ?? status ?? 400,
                message:
                  rejection?.message ??
                  'The install could not be verified. Start again.',
              });
            } else {
              resolve({ kind: 'installed', installation });
            }
          },
        );
      authenticate(request, response, (error: unknown) =>
        resolve(this.describeFailure(error)),
      );
    });
  }

  private describeFailure(error: unknown): CallbackOutcome {
    const cause = unwrapOAuthError(error);
    if (cause instanceof GatewayException) {
      this.logger.warn(
        { code: cause.code, reason: cause.message },
        'install failed',
      );

      return {
        kind: 'failed',
        status: cause.getStatus(),
        message: cause.message,
      };
    }
    if (cause instanceof OAuthServerError) {
      this.logger.warn(
        { kind: cause.kind, reason: cause.message },
        'code exchange failed',
      );
      if (cause.kind === 'invalid_grant') {
        return {
          kind: 'failed',
          status: 400,
          message:
            'Pipedrive did not accept the authorization code: it is invalid, expired or already used. Start the install again.',
        };
      }
      if (cause.kind === 'invalid_client') {
        this.logger.error(
          { alarm: 'pipedrive_client_credentials_rejected' },
          'OPERATOR ALARM: Pipedrive rejected the app client credentials during an install',
        );
      }

      return {
        kind: 'failed',
        status: 502,
        message:
          'Pipedrive could not complete the install right now. Try again in a minute.',
      };
    }
    this.logger.error({ err: cause }, 'install failed');

    return {
      kind: 'failed',
      status: 500,
      message: 'The install failed because of an internal error. Try again.',
    };
  }
}

/** passport-oauth2 wraps exchange errors in InternalOAuthError.oauthError. */
function unwrapOAuthError(error: unknown): unknown {
  const wrapped = (error as { oauthError?: unknown } | null)?.oauthError;

  return wrapped ?? error;
}
