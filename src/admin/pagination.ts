import { ValidationFailedException } from '../common/errors/gateway.exception';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** The shape of every admin list. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Encodes a keyset position as an opaque cursor: base64url of a JSON array
 * of strings (for example the sort timestamp with microseconds, and the id).
 */
export function encodeCursor(position: string[]): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by encodeCursor and checks each part against its
 * pattern. Throws 400 `validation_failed` naming `cursor` otherwise.
 */
export function decodeCursor(cursor: string, patterns: RegExp[]): string[] {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    position = undefined;
  }
  const valid =
    Array.isArray(position) &&
    position.length === patterns.length &&
    position.every(
      (part, index) => typeof part === 'string' && patterns[index].test(part),
    );
  if (!valid) {
    throw invalidCursor();
  }

  return position as string[];
}

/** Builds a page from `limit + 1` fetched rows. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  positionOf: (row: Row) => string[],
): Page<Item> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;

  return {
    data: pageRows.map(toItem),
    nextCursor: more
      ? encodeCursor(positionOf(pageRows[pageRows.length - 1]))
      : null,
  };
}

function invalidCursor(): ValidationFailedException {
  return new ValidationFailedException([
    {
      field: 'cursor',
      rule: 'isCursor',
      message:
        'cursor must be a nextCursor value returned by this list; omit it to start from the first page',
    },
  ]);
}

/** `2026-01-31T10:20:30.123456Z`, as rendered by timestampText. */
export const TIMESTAMP_PATTERN =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
export const UUID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * SQL rendering a timestamptz column in UTC with all six fractional digits,
 * so that a cursor compares exactly (a JavaScript Date keeps milliseconds only).
 */
export function timestampText(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
