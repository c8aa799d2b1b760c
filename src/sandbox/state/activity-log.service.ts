import { Injectable } from '@nestjs/common';

/** Number of recent API requests kept for GET /_sandbox/requests. */
const REQUEST_LOG_SIZE = 5000;

export interface LoggedRequest {
  method: string;
  path: string;
  companyId: number | null;
  userId: number | null;
  tokenId: string | null;
  status: number;
  at: string;
}

export interface SandboxStats {
  grants: { authorization_code: number; refresh_token: number };
  revocations: number;
  apiRequests: number;
  rateLimited: number;
}

/** Counters and the recent request log that tests read through controls. */
@Injectable()
export class ActivityLog {
  private stats: SandboxStats = ActivityLog.emptyStats();
  private requests: LoggedRequest[] = [];

  private static emptyStats(): SandboxStats {
    return {
      grants: { authorization_code: 0, refresh_token: 0 },
      revocations: 0,
      apiRequests: 0,
      rateLimited: 0,
    };
  }

  countGrant(grantType: 'authorization_code' | 'refresh_token'): void {
    this.stats.grants[grantType] += 1;
  }

  countRevocation(): void {
    this.stats.revocations += 1;
  }

  countRateLimited(): void {
    this.stats.rateLimited += 1;
  }

  recordApiRequest(request: LoggedRequest): void {
    this.stats.apiRequests += 1;
    this.requests.push(request);
    if (this.requests.length > REQUEST_LOG_SIZE) {
      this.requests.splice(0, this.requests.length - REQUEST_LOG_SIZE);
    }
  }

  snapshot(): SandboxStats {
    return structuredClone(this.stats);
  }

  recentRequests(): LoggedRequest[] {
    return [...this.requests];
  }

  reset(): void {
    this.stats = ActivityLog.emptyStats();
    this.requests = [];
  }
}
