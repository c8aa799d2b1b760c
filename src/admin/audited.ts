import { GatewayException } from '../common/errors/gateway.exception';
import {
  type AuditLogService,
  type AuditRecord,
} from '../audit/audit-log.service';

/**
 * Runs an admin action and records its outcome: success, or failure with
 * the GatewayException's code (`internal_error` for anything else). The
 * action's error is re-thrown unchanged.
 */
export async function runAudited<T>(
  audit: AuditLogService,
  record: Omit<AuditRecord, 'outcome' | 'errorCode'>,
  action: () => Promise<T>,
  detailOf?: (result: T) => Record<string, unknown>,
): Promise<T> {
  let result: T;
  try {
    result = await action();
  } catch (error) {
    await audit.record({
      ...record,
      outcome: 'failure',
      errorCode:
        error instanceof GatewayException ? error.code : 'internal_error',
    });
    throw error;
  }
  await audit.record({
    ...record,
    outcome: 'success',
    detail: detailOf
      ? { ...record.detail, ...detailOf(result) }
      : record.detail,
  });

  return result;
}
