import { Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationFailedException } from '../errors/gateway.exception';

/**
 * For routes that take no query parameters: rejects any, as DTO-validated
 * routes reject unknown ones. Use as `@Query(NoQueryParametersPipe)`.
 */
@Injectable()
export class NoQueryParametersPipe implements PipeTransform {
  transform(query: unknown): Record<string, never> {
    const names = Object.keys((query as Record<string, unknown>) ?? {});
    if (names.length > 0) {
      throw new ValidationFailedException(
        names.map((name) => ({
          field: name,
          rule: 'unknown',
          message: `${name} is not a known field`,
        })),
      );
    }

    return {};
  }
}
