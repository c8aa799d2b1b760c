import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import { type Request, type Response } from 'express';
import { GatewayException, type GatewayErrorCode } from './gateway.exception';

const CODE_BY_STATUS: Record<number, GatewayErrorCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * Returns every error in Pipedrive's envelope with a stable `code`. Other
 * errors are faults: logged with their stack and returned as a generic 500
 * without internal detail, except body-parser errors and PostgreSQL data
 * exceptions, which are client errors.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(GatewayExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    if (response.headersSent) {
      this.logger.error(
        { err: exception, path: request.path },
        'error after the response started; closing the connection',
      );
      response.destroy();

      return;
    }

    const body = this.toEnvelope(exception, request);
    if (exception instanceof GatewayException) {
      for (const [name, value] of Object.entries(
        exception.extra.headers ?? {},
      )) {
        response.setHeader(name, value);
      }
    }
    response.status(body.status).json(body.envelope);
  }

  private toEnvelope(
    exception: unknown,
    request: Request,
  ): { status: number; envelope: Record<string, unknown> } {
    if (exception instanceof GatewayException) {
      return {
        status: exception.getStatus(),
        envelope: {
          success: false,
          error: exception.message,
          ...(exception.extra.errorInfo
            ? { error_info: exception.extra.errorInfo }
            : {}),
          code: exception.code,
          ...(exception.extra.fields ? { fields: exception.extra.fields } : {}),
        },
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();

      return {
        status,
        envelope: {
          success: false,
          error: describeHttpException(exception, request),
          code:
            CODE_BY_STATUS[status] ??
            (status >= 500 ? 'internal_error' : 'forbidden'),
        },
      };
    }
    const bodyParserError = asBodyParserError(exception);
    if (bodyParserError) {
      return bodyParserError;
    }
    const databaseCode = postgresErrorCode(exception);
    this.logger.error(
      {
        err: describeFault(exception),
        databaseCode,
        method: request.method,
        path: request.path,
      },
      'unhandled error',
    );
    if (databaseCode?.startsWith('22')) {
      // PostgreSQL class 22 (data exception): a value it cannot store, such
      // as a NUL character, that input validation did not catch.
      return {
        status: 400,
        envelope: {
          success: false,
          error:
            'A value in the request contains characters or data that cannot be stored',
          code: 'validation_failed',
        },
      };
    }

    return {
      status: 500,
      envelope: {
        success: false,
        error: 'Internal error; the request id in the logs has the detail',
        code: 'internal_error',
      },
    };
  }
}

/**
 * Picks the parts of an unexpected error that are safe to log. Query errors
 * carry their SQL parameters, which may be token ciphertexts or key hashes,
 * so only the type, message and stack are kept.
 */
function describeFault(exception: unknown): Record<string, unknown> {
  if (exception instanceof Error) {
    return {
      type: exception.name,
      message: exception.message,
      stack: exception.stack,
    };
  }

  return { type: typeof exception };
}

function postgresErrorCode(exception: unknown): string | undefined {
  const driverError = (exception as { driverError?: { code?: unknown } })
    ?.driverError;
  const code = driverError?.code;

  return typeof code === 'string' ? code : undefined;
}

function describeHttpException(
  exception: HttpException,
  request: Request,
): string {
  if (exception.getStatus() === 404) {
    return `Route not found: ${request.method} ${request.path}`;
  }
  const response = exception.getResponse();
  if (typeof response === 'object' && response && 'message' in response) {
    const message = response.message;

    return Array.isArray(message) ? message.join('; ') : String(message);
  }

  return exception.message;
}

/** Maps errors thrown by Express's body parsers to client errors. */
function asBodyParserError(
  exception: unknown,
): { status: number; envelope: Record<string, unknown> } | undefined {
  const error = exception as { type?: string; status?: number; limit?: number };
  switch (error?.type) {
    case 'entity.too.large':
      return {
        status: 413,
        envelope: {
          success: false,
          error: `Request body is larger than the limit of ${error.limit} bytes`,
          code: 'payload_too_large',
        },
      };
    case 'entity.parse.failed':
      return {
        status: 400,
        envelope: {
          success: false,
          error:
            'Request body is not valid JSON, or its top level is not an object or array',
          code: 'validation_failed',
        },
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return {
        status: 415,
        envelope: {
          success: false,
          error: 'Request body has an unsupported encoding or charset',
          code: 'unsupported_media_type',
        },
      };
    case 'entity.verify.failed':
      return {
        status: 400,
        envelope: {
          success: false,
          error: (exception as Error).message,
          code: 'validation_failed',
        },
      };
    default:
      break;
  }
  // Other body-parser errors, such as a body that does not match its
  // Content-Encoding, are client errors marked safe to expose.
  const exposed = exception as { expose?: unknown; status?: unknown };
  if (
    exposed?.expose === true &&
    typeof exposed.status === 'number' &&
    exposed.status >= 400 &&
    exposed.status < 500
  ) {
    return {
      status: exposed.status,
      envelope: {
        success: false,
        error:
          'Request body could not be read: check Content-Encoding and Content-Length',
        code:
          exposed.status === 415
            ? 'unsupported_media_type'
            : 'validation_failed',
      },
    };
  }

  return undefined;
}
