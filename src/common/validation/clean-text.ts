import {
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';

/** A character that `IsCleanText` rejects, and where it is. */
export interface UncleanCharacter {
  /** UTF-16 code unit index in the string. */
  index: number;
  /** Code point as `U+XXXX`. */
  codePoint: string;
  reason:
    | 'control character'
    | 'lone surrogate'
    | 'bidirectional control'
    | 'line or paragraph separator';
}

function formatCodePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function isControl(code: number): boolean {
  // Unicode category Cc: C0 (U+0000-U+001F), DEL and C1 (U+0080-U+009F).
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

function isBidirectionalControl(code: number): boolean {
  // Embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069),
  // which can make displayed text read differently from the stored text.
  return (
    (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)
  );
}

/**
 * Finds the first character that free text must not contain: a control
 * character (tab and line feed included), a UTF-16 surrogate without its
 * pair, or a bidirectional embedding, override or isolate. Returns null for
 * clean text. PostgreSQL rejects NUL in text and lone surrogates in jsonb.
 */
export function findUncleanCharacter(text: string): UncleanCharacter | null {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        index++;
        continue;
      }

      return {
        index,
        codePoint: formatCodePoint(code),
        reason: 'lone surrogate',
      };
    }
    if (code >= 0xdc00 && code <= 0xdfff) {
      return {
        index,
        codePoint: formatCodePoint(code),
        reason: 'lone surrogate',
      };
    }
    if (isControl(code)) {
      return {
        index,
        codePoint: formatCodePoint(code),
        reason: 'control character',
      };
    }
    if (code === 0x2028 || code === 0x2029) {
      return {
        index,
        codePoint: formatCodePoint(code),
        reason: 'line or paragraph separator',
      };
    }
    if (isBidirectionalControl(code)) {
      return {
        index,
        codePoint: formatCodePoint(code),
        reason: 'bidirectional control',
      };
    }
  }

  return null;
}

/** Whether the text shows anything: not only spaces and zero-width characters. */
export function hasVisibleCharacter(text: string): boolean {
  return text.replace(/[\s\u200b-\u200d\u2060\ufeff]/g, '') !== '';
}

/**
 * Validates a string field as free text: no control characters, lone
 * surrogates, line separators or bidirectional controls (see
 * `findUncleanCharacter`), and at least one visible character.
 * Non-string values fail too, so pair it with `IsString` for the type
 * message. The rule name in validation errors is `isCleanText`.
 */
export function IsCleanText(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) => {
    registerDecorator({
      name: 'isCleanText',
      target: target.constructor,
      propertyName: String(propertyKey),
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          findUncleanCharacter(value) === null &&
          hasVisibleCharacter(value),
        defaultMessage: (args?: ValidationArguments) => {
          const property = args?.property ?? String(propertyKey);
          const found =
            typeof args?.value === 'string'
              ? findUncleanCharacter(args.value)
              : null;
          if (typeof args?.value !== 'string') {
            return `${property} must be a string`;
          }
          if (!found) {
            return `${property} must contain a visible character`;
          }

          return `${property} must not contain a ${found.reason}, but has ${found.codePoint} at index ${found.index}`;
        },
      },
    });
  };
}
