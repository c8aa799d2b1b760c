/** JSON nested deeper than this is rejected before parsing. */
export const MAX_JSON_DEPTH = 64;

/**
 * Scans JSON bytes for nesting depth without parsing them, because the
 * validation pipe walks bodies recursively and a body nested thousands of
 * levels deep overflows the stack.
 */
export function jsonDepthExceeds(buffer: Buffer, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < buffer.length; index++) {
    const byte = buffer[index];
    if (inString) {
      if (byte === 0x5c) {
        index++;
      } else if (byte === 0x22) {
        inString = false;
      }
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b || byte === 0x7b) {
      depth++;
      if (depth > maxDepth) {
        return true;
      }
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--;
    }
  }

  return false;
}

/**
 * A body-parser `verify` step: throws a 400 for JSON nested deeper than
 * MAX_JSON_DEPTH, which the exception filter reports as validation_failed.
 */
export function rejectDeepJson(buffer: Buffer): void {
  if (jsonDepthExceeds(buffer, MAX_JSON_DEPTH)) {
    throw Object.assign(
      new Error(`Request body nests deeper than ${MAX_JSON_DEPTH} levels`),
      { status: 400, type: 'entity.verify.failed', expose: true },
    );
  }
}
