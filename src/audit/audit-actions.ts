/** Action names written to the audit log by the admin API. */
export const AuditAction = {
  installationRefresh: 'installation.refresh',
  installationRevoke: 'installation.revoke',
  installationErase: 'installation.erase',
  apiKeyCreate: 'api_key.create',
  apiKeyRevoke: 'api_key.revoke',
} as const;
