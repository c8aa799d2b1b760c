import { ApiProperty } from '@nestjs/swagger';
import { type ApiKey } from '../auth/api-key.entity';
import { type AuditLogEntry } from '../audit/audit-log.entity';
import {
  INSTALLATION_STATUSES,
  type Installation,
} from '../installations/installation.entity';

/** An installation as the admin API shows it: no token or ciphertext. */
export class InstallationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() companyId: number;
  @ApiProperty({ type: String, nullable: true }) companyName: string | null;
  @ApiProperty() userId: number;
  @ApiProperty({ type: String, nullable: true }) userName: string | null;
  @ApiProperty() userIsAdmin: boolean;
  @ApiProperty({ enum: INSTALLATION_STATUSES }) status: string;
  @ApiProperty({ type: [String] }) scopes: string[];
  @ApiProperty() apiDomain: string;
  @ApiProperty() installedAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiProperty({ type: Date, nullable: true })
  accessTokenExpiresAt: Date | null;
  @ApiProperty({ type: Date, nullable: true }) lastRefreshAt: Date | null;
  @ApiProperty({ type: String, nullable: true }) lastRefreshOutcome:
    string | null;
  @ApiProperty() consecutiveRefreshFailures: number;
  @ApiProperty() revocationPending: boolean;
}

export class RevokedInstallationView extends InstallationView {
  @ApiProperty({
    description:
      'Whether Pipedrive confirmed the revocation; when false the gateway retries in the background',
  })
  revokedAtPipedrive: boolean;
}

export class ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({
    type: [Number],
    nullable: true,
    description: 'null means every company',
  })
  companyIds: number[] | null;
  @ApiProperty({ description: 'The first characters of the key' })
  keyPrefix: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: Date, nullable: true }) revokedAt: Date | null;
  @ApiProperty({ type: Date, nullable: true }) lastUsedAt: Date | null;
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({ description: 'The key itself; shown only in this response' })
  key: string;
}

export class AuditLogEntryView {
  @ApiProperty() id: number;
  @ApiProperty() occurredAt: Date;
  @ApiProperty({ enum: ['admin', 'api_key', 'jwt'] }) actorType: string;
  @ApiProperty() actorId: string;
  @ApiProperty({ example: 'installation.refresh' }) action: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  installationId: string | null;
  @ApiProperty({ type: Number, nullable: true }) companyId: number | null;
  @ApiProperty({ type: String, nullable: true }) targetId: string | null;
  @ApiProperty({ enum: ['success', 'failure'] }) outcome: string;
  @ApiProperty({ type: String, nullable: true }) errorCode: string | null;
  @ApiProperty({ type: Object, nullable: true })
  detail: Record<string, unknown> | null;
}

export function toInstallationView(row: Installation): InstallationView {
  return {
    id: row.id,
    companyId: row.companyId,
    companyName: row.companyName,
    userId: row.userId,
    userName: row.userName,
    userIsAdmin: row.userIsAdmin,
    status: row.status,
    scopes: row.scopes,
    apiDomain: row.apiDomain,
    installedAt: row.installedAt,
    updatedAt: row.updatedAt,
    accessTokenExpiresAt: row.accessTokenExpiresAt,
    lastRefreshAt: row.lastRefreshAt,
    lastRefreshOutcome: row.lastRefreshOutcome,
    consecutiveRefreshFailures: row.consecutiveRefreshFailures,
    revocationPending: row.revocationPending,
  };
}

export function toApiKeyView(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    companyIds: row.companyIds,
    keyPrefix: row.keyPrefix,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
  };
}

export function toAuditLogEntryView(row: AuditLogEntry): AuditLogEntryView {
  return {
    id: row.id,
    occurredAt: row.occurredAt,
    actorType: row.actorType,
    actorId: row.actorId,
    action: row.action,
    installationId: row.installationId,
    companyId: row.companyId,
    targetId: row.targetId,
    outcome: row.outcome,
    errorCode: row.errorCode,
    detail: row.detail,
  };
}
