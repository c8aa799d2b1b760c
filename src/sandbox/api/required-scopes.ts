import {
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { SandboxRequest } from './api-gate.service';
import { API_ERRORS } from './pipedrive-api-error';

const SCOPES_KEY = 'sandbox:requiredScopes';

/** Marks an API handler as needing any one of the given OAuth scopes. */
export const RequireScopes = (...scopes: string[]) =>
  SetMetadata(SCOPES_KEY, scopes);

/** Rejects with Pipedrive's 403 when the token lacks every listed scope. */
@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<string[] | undefined>(
      SCOPES_KEY,
      [context.getHandler(), context.getClass()],
    );
    if (!required) {
      return true;
    }
    const caller = context
      .switchToHttp()
      .getRequest<SandboxRequest>().apiCaller;
    if (!caller || !required.some((scope) => caller.scopes.includes(scope))) {
      throw API_ERRORS.scopeMismatch();
    }

    return true;
  }
}
