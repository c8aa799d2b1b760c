import { GatewayException } from '../common/errors/gateway.exception';
import { type InstallationStatus } from './installation.entity';

export function companyNotInstalled(companyId: number): GatewayException {
  return new GatewayException(
    404,
    'company_not_installed',
    `Company ${companyId} has no active installation of this app; a user of that company must install it`,
  );
}

export function installationNotFound(
  companyId: number,
  userId: number,
): GatewayException {
  return new GatewayException(
    404,
    'installation_not_found',
    `User ${userId} of company ${companyId} has not installed this app`,
  );
}

/** For an installation id that no longer exists (it was erased). */
export function installationGone(installationId: string): GatewayException {
  return new GatewayException(
    404,
    'installation_not_found',
    `Installation ${installationId} does not exist`,
  );
}

export function reauthorizationRequired(
  companyId: number,
  userId: number,
): GatewayException {
  return new GatewayException(
    401,
    'reauthorization_required',
    `Pipedrive no longer accepts the grant of user ${userId} in company ${companyId}; that user must install the app again`,
  );
}

/** The error for a request that meets an installation in this status. */
export function errorForStatus(
  status: InstallationStatus,
  companyId: number,
  userId: number,
): GatewayException {
  if (status === 'reauthorization_required') {
    return reauthorizationRequired(companyId, userId);
  }
  if (status === 'uninstalled' || status === 'revoked') {
    return new GatewayException(
      404,
      'installation_not_found',
      `The app was ${status} for user ${userId} of company ${companyId}; that user must install it again`,
    );
  }

  return installationNotFound(companyId, userId);
}

export function refreshFailed(reason: string): GatewayException {
  return new GatewayException(503, 'refresh_failed', reason, {
    headers: { 'retry-after': '5' },
  });
}
