import { ValidationPipe, type ValidationError } from '@nestjs/common';
import {
  type FieldProblem,
  ValidationFailedException,
} from './gateway.exception';

/**
 * The global pipe: whitelists and transforms DTOs and answers 400
 * `validation_failed` listing each field with the rule it broke.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) =>
      new ValidationFailedException(flattenValidationErrors(errors)),
  });
}

export function flattenValidationErrors(
  errors: ValidationError[],
  parent = '',
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      problems.push({ field, rule, message });
    }
    problems.push(...flattenValidationErrors(error.children ?? [], field));
  }

  return problems;
}
