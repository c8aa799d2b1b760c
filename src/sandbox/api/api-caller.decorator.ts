import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ApiCaller, SandboxRequest } from './api-gate.service';
import { API_ERRORS } from './pipedrive-api-error';

/** Injects the caller that ApiGate authenticated. */
export const Caller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ApiCaller => {
    const caller = context
      .switchToHttp()
      .getRequest<SandboxRequest>().apiCaller;
    if (!caller) {
      throw API_ERRORS.unauthorized();
    }

    return caller;
  },
);
