import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsUUID,
  Matches,
  Max,
  Min,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';

/** Turns a query string integer into a number; anything else stays as is for the validator to reject. */
export const ToInteger = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d{1,16}$/.test(value)
      ? Number(value)
      : value,
  );

/** An integer query parameter within bounds. */
export function QueryInt(min: number, max?: number): PropertyDecorator {
  return (target, key) => {
    ToInteger()(target, key);
    IsInt()(target, key);
    Min(min)(target, key);
    if (max !== undefined) {
      Max(max)(target, key);
    }
  };
}

/** Pipedrive's 0/1 flags. */
export function QueryFlag(): PropertyDecorator {
  return (target, key) => {
    ToInteger()(target, key);
    IsIn([0, 1], { message: `${String(key)} must be 0 or 1` })(target, key);
  };
}

/** A `YYYY-MM-DD` calendar date that exists. */
export function QueryDate(): PropertyDecorator {
  return (target, key) => {
    Matches(/^\d{4}-\d{2}-\d{2}$/, {
      message: `${String(key)} must be a date as YYYY-MM-DD`,
    })(target, key);
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(key),
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && isCalendarDate(value),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be a date that exists, as YYYY-MM-DD`,
      },
    });
  };
}

/** An RFC 3339 date-time such as `2025-01-01T10:20:00Z`. */
export function QueryDateTime(): PropertyDecorator {
  return (target, key) => {
    registerDecorator({
      name: 'isRfc3339',
      target: target.constructor,
      propertyName: String(key),
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && isRfc3339(value),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be an RFC 3339 date-time such as 2025-01-01T10:20:00Z`,
      },
    });
  };
}

/**
 * Pipedrive's `sort`: comma-separated `field` or `field ASC|DESC` over the
 * allowed fields, each field at most once.
 */
export function QuerySort(fields: readonly string[]): PropertyDecorator {
  return (target, key) => {
    registerDecorator({
      name: 'isSort',
      target: target.constructor,
      propertyName: String(key),
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && isSortSpec(value, fields),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be "field ASC|DESC" pairs separated by commas, over: ${fields.join(', ')}`,
      },
    });
  };
}

export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) {
    return false;
  }
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));

  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}

export function isRfc3339(value: string): boolean {
  const match =
    /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/.exec(
      value,
    );
  if (!match || !isCalendarDate(match[1])) {
    return false;
  }
  const [hours, minutes, seconds] = [match[2], match[3], match[4]].map(Number);

  return hours < 24 && minutes < 60 && seconds < 61;
}

export function isSortSpec(value: string, fields: readonly string[]): boolean {
  const seen = new Set<string>();
  for (const part of value.split(',')) {
    const match = /^\s*([a-z_]+)(?:\s+(ASC|DESC|asc|desc))?\s*$/.exec(part);
    if (!match || !fields.includes(match[1]) || seen.has(match[1])) {
      return false;
    }
    seen.add(match[1]);
  }

  return seen.size > 0;
}

/** A UUID such as a lead id; any version, as Pipedrive's spec only says `format: uuid`. */
export function QueryUuid(): PropertyDecorator {
  return IsUUID('all', {
    message: (args: ValidationArguments) => `${args.property} must be a UUID`,
  });
}

/** One of a fixed set of strings. */
export function QueryEnum(values: readonly string[]): PropertyDecorator {
  return IsIn([...values], {
    message: (args: ValidationArguments) =>
      `${args.property} must be one of: ${values.join(', ')}`,
  });
}
