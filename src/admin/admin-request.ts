import {
  createParamDecorator,
  type ExecutionContext,
  type PipeTransform,
} from '@nestjs/common';
import { type Caller } from '../auth/caller';
import { type AuthenticatedRequest } from '../auth/caller-auth.guard';
import { ValidationFailedException } from '../common/errors/gateway.exception';
import { UUID_PATTERN } from './pagination';

/** The caller that CallerAuthGuard authenticated. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Caller =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().caller,
);

/** Rejects a path parameter that is not a UUID with 400 `validation_failed`. */
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly field = 'id') {}

  transform(value: string): string {
    const normalized = value.toLowerCase();
    if (!UUID_PATTERN.test(normalized)) {
      throw new ValidationFailedException([
        {
          field: this.field,
          rule: 'isUuid',
          message: `${this.field} must be a UUID`,
        },
      ]);
    }

    return normalized;
  }
}
