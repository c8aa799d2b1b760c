/** Text that Pipedrive puts in `error_info` of its API errors. */
export const ERROR_INFO =
  'Please check developers.pipedrive.com for more information about Pipedrive API.';

/**
 * An API error sent in Pipedrive's envelope:
 * `{success:false, error, error_info, data:null, additional_data:null}`.
 */
export class PipedriveApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    return {
      success: false,
      error: this.message,
      error_info: ERROR_INFO,
      data: null,
      additional_data: null,
      ...this.extra,
    };
  }
}

export const API_ERRORS = {
  unauthorized: () =>
    new PipedriveApiError(401, 'unauthorized access', { errorCode: 401 }),
  scopeMismatch: () =>
    new PipedriveApiError(403, 'Scope and URL mismatch', { errorCode: 403 }),
  badRequest: (message: string) => new PipedriveApiError(400, message),
  notFound: (message = 'Resource not found') =>
    new PipedriveApiError(404, message, { errorCode: 404 }),
  // NOTE: Pipedrive does not document its current 429 body, so this
  // message is a placeholder in the usual envelope.
  tooManyRequests: () =>
    new PipedriveApiError(429, 'Request over limit', { errorCode: 429 }),
};

/** Body for an injected fault with the given HTTP status. */
export function faultBody(status: number, statusText: string): object {
  return new PipedriveApiError(status, statusText || `HTTP ${status}`, {
    errorCode: status,
  }).toBody();
}
