import {
  Catch,
  HttpException,
  Inject,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { PipedriveApiError } from './api/pipedrive-api-error';
import { ControlError } from './controls/control-error';
import { OAUTH_ERRORS, OAuthError } from './oauth/oauth-error';
import {
  SANDBOX_OPTIONS,
  type ResolvedSandboxOptions,
} from './sandbox-options';

const OAUTH_ERROR_CODES: Record<number, string> = {
  400: 'invalid_request',
  404: 'not_found',
};

/**
 * Renders every error in the style of the surface it came from: Pipedrive's
 * API envelope under /api, the OAuth error body under /oauth, and
 * `{"error": message}` for the /_sandbox controls.
 */
@Catch()
export class SandboxExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      return;
    }
    const { status, body } = this.render(exception, req);
    res.status(status).json(body);
  }

  private render(
    exception: unknown,
    req: Request,
  ): { status: number; body: object } {
    const path = req.path;
    if (exception instanceof PipedriveApiError) {
      return { status: exception.status, body: exception.toBody() };
    }
    if (exception instanceof OAuthError) {
      return { status: exception.status, body: exception.toBody() };
    }
    if (exception instanceof ControlError) {
      return { status: exception.status, body: { error: exception.message } };
    }

    let status = 500;
    let message = 'Internal server error';
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      message = status === 404 ? 'Resource not found' : exception.message;
      // Body parser failures arrive here before any handler runs.
      if (status === 400) {
        if (
          path.startsWith('/oauth/') &&
          !req.is('application/x-www-form-urlencoded')
        ) {
          return this.render(OAUTH_ERRORS.notForm(), req);
        }
        message = `Invalid request body: ${message}`;
      }
    } else if (isClientHttpError(exception)) {
      // body-parser raises http-errors objects, not HttpException, so a body
      // over its size limit would otherwise become a 500.
      status = exception.status;
      message =
        exception.type === 'entity.too.large'
          ? `Request body too large: the limit is ${String(exception.limit)} bytes`
          : exception.message;
    } else {
      this.options.logger.error(
        { err: exception, path },
        'Sandbox request failed',
      );
    }

    if (path.startsWith('/api/') || path === '/api') {
      return {
        status,
        body: new PipedriveApiError(status, message, {
          errorCode: status,
        }).toBody(),
      };
    }
    if (path.startsWith('/oauth/')) {
      const code = OAUTH_ERROR_CODES[status] ?? 'server_error';

      return { status, body: { success: false, error: code, message } };
    }

    return { status, body: { error: message } };
  }
}

/** A 4xx error from the http-errors package, as body-parser raises them. */
interface ClientHttpError {
  status: number;
  message: string;
  expose: true;
  type?: string;
  limit?: number;
}

function isClientHttpError(error: unknown): error is ClientHttpError {
  if (!(error instanceof Error)) {
    return false;
  }
  const fields = error as Error & Partial<ClientHttpError>;

  return (
    fields.expose === true &&
    typeof fields.status === 'number' &&
    fields.status >= 400 &&
    fields.status < 500
  );
}
