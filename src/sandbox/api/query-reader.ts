import { API_ERRORS } from './pipedrive-api-error';

export interface SortKey {
  field: string;
  direction: 'ASC' | 'DESC';
}

export interface Page<T> {
  items: T[];
  pagination: {
    start: number;
    limit: number;
    more_items_in_collection: boolean;
    next_start?: number;
  };
}

const UUID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_PATTERN =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Reads and checks query parameters the way the v1 spec defines them; a bad
 * value raises Pipedrive's 400 envelope naming the parameter.
 */
export class QueryReader {
  constructor(private readonly query: Record<string, unknown>) {}

  string(name: string): string | undefined {
    const value = this.query[name];
    if (value === undefined) {
      return undefined;
    }
    if (typeof value !== 'string') {
      throw invalid(name, 'must be given once, as a single value');
    }

    return value;
  }

  integer(
    name: string,
    range: { min?: number; max?: number } = {},
  ): number | undefined {
    const text = this.string(name);
    if (text === undefined) {
      return undefined;
    }
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } =
      range;
    const value = Number(text);
    if (!/^-?\d+$/.test(text) || value < min || value > max) {
      throw invalid(name, `must be an integer from ${min} to ${max}`);
    }

    return value;
  }

  /** Reads a positive id. */
  id(name: string): number | undefined {
    return this.integer(name, { min: 1 });
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const text = this.string(name);
    if (text === undefined) {
      return undefined;
    }
    if (!(values as readonly string[]).includes(text)) {
      throw invalid(name, `must be one of ${values.join(', ')}`);
    }

    return text as T;
  }

  /** Reads a 0/1 flag as a boolean. */
  flag(name: string): boolean | undefined {
    const value = this.oneOf(name, ['0', '1']);

    return value === undefined ? undefined : value === '1';
  }

  uuid(name: string): string | undefined {
    const text = this.string(name);
    if (text !== undefined && !UUID_PATTERN.test(text)) {
      throw invalid(name, 'must be a UUID');
    }

    return text;
  }

  /** Reads a `YYYY-MM-DD` date; returns it unchanged. */
  date(name: string): string | undefined {
    const text = this.string(name);
    if (
      text !== undefined &&
      (!DATE_PATTERN.test(text) || Number.isNaN(Date.parse(text)))
    ) {
      throw invalid(name, 'must be a date in YYYY-MM-DD format');
    }

    return text;
  }

  /** Reads an ISO 8601 date-time; returns epoch milliseconds (UTC if no zone). */
  dateTime(name: string): number | undefined {
    const text = this.string(name);
    if (text === undefined) {
      return undefined;
    }
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text);
    const normalized = text.replace(' ', 'T') + (hasZone ? '' : 'Z');
    const epoch = Date.parse(normalized);
    if (!DATE_TIME_PATTERN.test(text) || Number.isNaN(epoch)) {
      throw invalid(
        name,
        'must be an ISO 8601 date-time such as 2025-01-01T10:20:00Z',
      );
    }

    return epoch;
  }

  /** Reads `start` and `limit` for v1 offset pagination. */
  pagination(maxLimit = 500): { start: number; limit: number } {
    return {
      start: this.integer('start', { min: 0 }) ?? 0,
      limit: this.integer('limit', { min: 1, max: maxLimit }) ?? 100,
    };
  }

  /** Reads `field ASC, other DESC` over the allowed fields. */
  sort(name: string, fields: readonly string[]): SortKey[] {
    const text = this.string(name);
    if (text === undefined || text.trim() === '') {
      return [];
    }

    return text.split(',').map((part) => {
      const [field, direction = 'ASC', ...rest] = part.trim().split(/\s+/);
      const upper = direction.toUpperCase();
      if (!fields.includes(field)) {
        throw invalid(
          name,
          `field "${field}" must be one of ${fields.join(', ')}`,
        );
      }
      if (rest.length > 0 || (upper !== 'ASC' && upper !== 'DESC')) {
        throw invalid(name, `direction of "${field}" must be ASC or DESC`);
      }

      return { field, direction: upper };
    });
  }
}

function invalid(name: string, rule: string): Error {
  return API_ERRORS.badRequest(`Invalid parameter "${name}": ${rule}.`);
}

/** Sorts a copy by the keys; nulls sort last ascending, first descending. */
export function sortRecords<T extends object>(
  records: T[],
  keys: SortKey[],
): T[] {
  if (keys.length === 0) {
    return [...records];
  }

  return [...records].sort((a, b) => {
    for (const { field, direction } of keys) {
      const order = compareValues(
        (a as Record<string, unknown>)[field],
        (b as Record<string, unknown>)[field],
      );
      if (order !== 0) {
        return direction === 'ASC' ? order : -order;
      }
    }

    return 0;
  });
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) {
    return 0;
  }
  if (a === null || a === undefined) {
    return 1;
  }
  if (b === null || b === undefined) {
    return -1;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') {
    return Number(a) - Number(b);
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return a.localeCompare(b);
  }

  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}

/** Cuts one page of v1 offset pagination. */
export function paginate<T>(
  records: T[],
  start: number,
  limit: number,
): Page<T> {
  const items = records.slice(start, start + limit);
  const more = start + limit < records.length;

  return {
    items,
    pagination: {
      start,
      limit,
      more_items_in_collection: more,
      ...(more ? { next_start: start + limit } : {}),
    },
  };
}

/**
 * Copies a record without its null fields. The spec types relations such as
 * `deal_id` as non-nullable, so the sandbox leaves absent ones out.
 */
export function withoutNulls(record: object): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(record)) {
    if (value !== null) {
      view[field] = value;
    }
  }

  return view;
}
