import { ValidationPipe, type ValidationError } from '@nestjs/common';
import {
  type FieldProblem,
  ValidationFailedException,
} from './gateway.exception';

/**
 * Rules that state what kind of value a field takes. When a value breaks
 * several rules, the first of these that failed is reported, because "must
 * be an integer" helps more than "must not be less than 1" for `abc`.
 */
const TYPE_RULES = [
  'whitelistValidation',
  'isDefined',
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  'isUuid',
  'isIn',
  'isEnum',
  'isUrl',
];

/**
 * The global pipe: whitelists and transforms DTOs and returns 400
 * `validation_failed` naming each bad field with the one rule to fix.
 * Unknown properties and query parameters are rejected, so a misspelt
 * field name is never silently dropped.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) =>
      new ValidationFailedException(flattenValidationErrors(errors)),
  });
}

/** Lists one problem per invalid field, nested fields as `parent.child`. */
export function flattenValidationErrors(
  errors: ValidationError[],
  parent = '',
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const problem = mainProblem(field, error);
    if (problem) {
      problems.push(problem);
    }
    problems.push(...flattenValidationErrors(error.children ?? [], field));
  }

  return problems;
}

function mainProblem(
  field: string,
  error: ValidationError,
): FieldProblem | null {
  const constraints = Object.entries(error.constraints ?? {});
  if (constraints.length === 0) {
    return null;
  }
  if (error.value === undefined || error.value === null) {
    return { field, rule: 'isDefined', message: `${field} is missing` };
  }
  if (
    Array.isArray(error.value) &&
    !constraints.some(([key]) => key === 'isArray')
  ) {
    // A query parameter given twice arrives as an array.
    return {
      field,
      rule: 'single',
      message: `${field} must be given once, not as a list`,
    };
  }
  const [rule, message] =
    TYPE_RULES.map((name) => constraints.find(([key]) => key === name)).find(
      Boolean,
    ) ?? constraints[0];
  if (rule === 'whitelistValidation') {
    return { field, rule: 'unknown', message: `${field} is not a known field` };
  }

  return { field, rule, message: message.replace(error.property, field) };
}
