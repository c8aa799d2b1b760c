/**
 * An error of the OAuth token or revoke endpoint, sent as
 * `{"success":false,"error":<code>,"message":<text>}`.
 */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  toBody(): { success: false; error: string; message: string } {
    return { success: false, error: this.code, message: this.message };
  }
}

export const OAUTH_ERRORS = {
  notForm: () =>
    new OAuthError(
      400,
      'invalid_request',
      'Invalid request: content must be application/x-www-form-urlencoded',
    ),
  noClientCredentials: () =>
    new OAuthError(
      401,
      'invalid_client',
      'Invalid client: cannot retrieve client credentials',
    ),
  invalidClient: () =>
    new OAuthError(401, 'invalid_client', 'Invalid client: client is invalid'),
  missingParameter: (name: string) =>
    new OAuthError(400, 'invalid_request', `Missing parameter: ${name}`),
  unsupportedGrant: () =>
    new OAuthError(
      400,
      'unsupported_grant_type',
      'Unsupported grant type: grant_type is invalid',
    ),
  invalidCode: () =>
    new OAuthError(
      400,
      'invalid_grant',
      'Invalid grant: authorization_code is invalid',
    ),
  expiredCode: () =>
    new OAuthError(
      400,
      'invalid_grant',
      'Invalid grant: authorization_code has expired',
    ),
  invalidRefreshToken: () =>
    new OAuthError(
      400,
      'invalid_grant',
      'Invalid grant: refresh_token is invalid',
    ),
  malformedRedirectUri: () =>
    new OAuthError(
      400,
      'invalid_request',
      'Invalid request: redirect_uri is not a valid URI',
    ),
  invalidRedirectUri: () =>
    new OAuthError(
      400,
      'invalid_request',
      'Invalid request: redirect_uri is invalid',
    ),
};
