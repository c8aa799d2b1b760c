/** Who is calling the gateway, as established by CallerAuthGuard. */
export type Caller =
  | { kind: 'admin' }
  | { kind: 'api_key'; id: string; name: string; companyIds: number[] | null }
  | { kind: 'jwt'; companyId: number; userId: number };

/** A request to act on one company's Pipedrive account. */
export interface TenantContext {
  companyId: number;
  caller: Caller;
  /** `X-Pipedrive-User-Id`, when the caller may choose the user. */
  requestedUserId: number | null;
}

/** Whether the caller may act on this company at all. */
export function callerMayAccess(caller: Caller, companyId: number): boolean {
  switch (caller.kind) {
    case 'admin':
      return true;
    case 'api_key':
      return (
        caller.companyIds === null || caller.companyIds.includes(companyId)
      );
    case 'jwt':
      return caller.companyId === companyId;
  }
}

/** The Pipedrive user whose token a request uses, or null for the default. */
export function actingUserId(context: TenantContext): number | null {
  return context.caller.kind === 'jwt'
    ? context.caller.userId
    : context.requestedUserId;
}

/** A short, secret-free description for audit and logs. */
export function describeCaller(caller: Caller): {
  actorType: string;
  actorId: string;
} {
  switch (caller.kind) {
    case 'admin':
      return { actorType: 'admin', actorId: 'admin' };
    case 'api_key':
      return { actorType: 'api_key', actorId: caller.id };
    case 'jwt':
      return {
        actorType: 'jwt',
        actorId: `${caller.companyId}:${caller.userId}`,
      };
  }
}
