import { Injectable } from '@nestjs/common';

/** Max `times` of one fault, which keeps a typo from faulting a whole run. */
export const MAX_FAULT_TIMES = 10_000;

export interface Fault {
  status: number;
  times: number;
  latencyMs: number;
  /** Prefix of the request path, or null to match every API request. */
  path: string | null;
}

/** Queued faults that make the next matching requests fail or slow down. */
@Injectable()
export class FaultInjector {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  /**
   * Takes one use of the first fault matching the request. Faults without a
   * path match API requests only, so OAuth calls fail only when named.
   */
  take(path: string, isApiRequest: boolean): Fault | null {
    const index = this.faults.findIndex((fault) =>
      fault.path === null ? isApiRequest : path.startsWith(fault.path),
    );
    if (index === -1) {
      return null;
    }
    const fault = this.faults[index];
    fault.times -= 1;
    if (fault.times <= 0) {
      this.faults.splice(index, 1);
    }

    return fault;
  }

  /** Removes every pending fault and returns how many there were. */
  reset(): number {
    const count = this.faults.length;
    this.faults = [];

    return count;
  }
}
