import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'gateway:isPublic';

/**
 * Marks a route as open to anonymous callers. Every other route requires a
 * caller credential; the public list is kept small and a test walks every
 * route to prove it.
 */
export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata(IS_PUBLIC, true);
