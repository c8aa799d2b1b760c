import { SetMetadata } from '@nestjs/common';

export const ADMIN_ONLY = 'gateway:adminOnly';

/** Limits a controller or route to the admin key. */
export const AdminOnly = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ADMIN_ONLY, true);
