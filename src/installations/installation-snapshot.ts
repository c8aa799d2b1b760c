import { type TokenCipher } from '../crypto/token-cipher';
import {
  type Installation,
  type InstallationStatus,
} from './installation.entity';

/**
 * What a request needs of an installation, with the access token decrypted.
 * Kept in memory by InstallationCache so steady-state requests make no
 * database query.
 */
export interface InstallationSnapshot {
  id: string;
  companyId: number;
  userId: number;
  status: InstallationStatus;
  apiDomain: string;
  scopes: string[];
  revision: number;
  /** Null once the tokens are erased. */
  accessToken: string | null;
  accessTokenExpiresAt: number | null;
}

/** Columns that are not selected by default but a snapshot needs. */
export const TOKEN_COLUMNS = [
  'installation.accessTokenCiphertext',
  'installation.refreshTokenCiphertext',
] as const;

export function accessTokenContext(installationId: string): string {
  return `${installationId}:access`;
}

export function refreshTokenContext(installationId: string): string {
  return `${installationId}:refresh`;
}

export function toSnapshot(
  installation: Installation,
  cipher: TokenCipher,
): InstallationSnapshot {
  const accessToken =
    installation.accessTokenCiphertext && installation.tokenKeyId
      ? cipher.decrypt(
          {
            keyId: installation.tokenKeyId,
            ciphertext: installation.accessTokenCiphertext,
          },
          accessTokenContext(installation.id),
        )
      : null;

  return {
    id: installation.id,
    companyId: installation.companyId,
    userId: installation.userId,
    status: installation.status,
    apiDomain: installation.apiDomain,
    scopes: installation.scopes,
    revision: installation.revision,
    accessToken,
    accessTokenExpiresAt: installation.accessTokenExpiresAt?.getTime() ?? null,
  };
}
