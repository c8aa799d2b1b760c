/** An invalid control request, sent as 400 `{"error": message}`. */
export class ControlError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
