import { ControlError } from './control-error';

/** Reads fields of a JSON control body; a bad field raises a 400 naming it. */
export class ControlBody {
  private readonly body: Record<string, unknown>;

  constructor(body: unknown) {
    this.body =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : {};
  }

  integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.optionalInteger(name, min, max);
    if (value === undefined) {
      throw new ControlError(
        `Field ${name} is required: expected ${describeRange(min, max)}.`,
      );
    }

    return value;
  }

  optionalInteger(
    name: string,
    min: number,
    max = Number.MAX_SAFE_INTEGER,
  ): number | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (
      !Number.isInteger(value) ||
      (value as number) < min ||
      (value as number) > max
    ) {
      throw new ControlError(
        `Field ${name} is invalid: expected ${describeRange(min, max)}, got ${JSON.stringify(value)}.`,
      );
    }

    return value as number;
  }

  number(name: string, min: number): number {
    const value = this.body[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      throw new ControlError(
        `Field ${name} is invalid: expected a number of at least ${min}, got ${JSON.stringify(value)}.`,
      );
    }

    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (typeof value !== 'string' || value === '') {
      throw new ControlError(
        `Field ${name} is invalid: expected a non-empty string, got ${JSON.stringify(value)}.`,
      );
    }

    return value;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const value = this.body[name];
    if (
      typeof value !== 'string' ||
      !(values as readonly string[]).includes(value)
    ) {
      throw new ControlError(
        `Field ${name} is invalid: expected one of ${values.join(', ')}, got ${JSON.stringify(value)}.`,
      );
    }

    return value as T;
  }

  stringArray(name: string): string[] {
    const value = this.body[name];
    if (
      !Array.isArray(value) ||
      !value.every((item) => typeof item === 'string' && item !== '')
    ) {
      throw new ControlError(
        `Field ${name} is invalid: expected an array of non-empty strings.`,
      );
    }

    return value as string[];
  }
}

function describeRange(min: number, max: number): string {
  return max === Number.MAX_SAFE_INTEGER
    ? `an integer of at least ${min}`
    : `an integer from ${min} to ${max}`;
}
