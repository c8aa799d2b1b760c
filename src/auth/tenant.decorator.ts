import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GatewayException } from '../common/errors/gateway.exception';
import { type AuthenticatedRequest, parseCompanyId } from './caller-auth.guard';
import { type TenantContext } from './caller';

export const USER_HEADER = 'x-pipedrive-user-id';

/**
 * The TenantContext of a `/companies/:companyId/...` request: the company,
 * the authenticated caller and the user it asks to act as. Only the admin
 * key and API keys may choose a user; a JWT acts as its own user.
 */
export const Tenant = createParamDecorator(
  (_data: unknown, context: ExecutionContext): TenantContext => {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const companyId = parseCompanyId(String(request.params.companyId));
    const header = request.headers[USER_HEADER];
    let requestedUserId: number | null = null;
    if (header !== undefined) {
      const value = Array.isArray(header) ? header.join(',') : header;
      requestedUserId = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(requestedUserId) || requestedUserId <= 0) {
        throw new GatewayException(
          400,
          'validation_failed',
          'X-Pipedrive-User-Id must be a positive integer',
          {
            fields: [
              {
                field: 'X-Pipedrive-User-Id',
                rule: 'isPositiveInt',
                message: 'X-Pipedrive-User-Id must be a positive integer',
              },
            ],
          },
        );
      }
      const { caller } = request;
      if (caller.kind === 'jwt' && caller.userId !== requestedUserId) {
        throw new GatewayException(
          403,
          'forbidden',
          'An app-extension JWT acts as its own user; X-Pipedrive-User-Id may not name another',
        );
      }
    }
    (request as { tenantLog?: Record<string, unknown> }).tenantLog = {
      companyId,
    };

    return { companyId, caller: request.caller, requestedUserId };
  },
);
