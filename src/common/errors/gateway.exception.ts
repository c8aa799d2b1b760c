import { HttpException } from '@nestjs/common';

/** Stable machine-readable codes of the errors the gateway itself makes. */
export type GatewayErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'company_forbidden'
  | 'company_not_installed'
  | 'installation_not_found'
  | 'installation_not_active'
  | 'reauthorization_required'
  | 'refresh_failed'
  | 'rate_limited'
  | 'upstream_unavailable'
  | 'upstream_error'
  | 'api_domain_not_allowed'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_failed_attempts'
  | 'internal_error';

/** One invalid input, as listed in a `validation_failed` error. */
export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

/**
 * An error answered in Pipedrive's envelope:
 * `{success: false, error, error_info?, code}`.
 */
export class GatewayException extends HttpException {
  constructor(
    status: number,
    readonly code: GatewayErrorCode,
    message: string,
    readonly extra: {
      errorInfo?: string;
      fields?: FieldProblem[];
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message, status);
  }
}

export class ValidationFailedException extends GatewayException {
  constructor(fields: FieldProblem[]) {
    super(400, 'validation_failed', fields.map((f) => f.message).join('; '), {
      fields,
    });
  }
}
