import { type TenantContext } from '../../auth/caller';

/**
 * What resource services accept: a TenantContext from a controller, or a
 * company id from the app's own code, which acts with the company's
 * default installation (or `userId`'s) as a trusted caller.
 */
export type TenantTarget =
  TenantContext | number | { companyId: number; userId: number };

export function toTenantContext(target: TenantTarget): TenantContext {
  if (typeof target === 'number') {
    return {
      companyId: target,
      caller: { kind: 'admin' },
      requestedUserId: null,
    };
  }
  if ('caller' in target) {
    return target;
  }

  return {
    companyId: target.companyId,
    caller: { kind: 'admin' },
    requestedUserId: target.userId,
  };
}
