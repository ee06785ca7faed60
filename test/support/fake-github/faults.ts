// Switchable failures: each fault applies to the next `times` requests whose path matches.
import type { FaultSpec } from './types.js';

export interface ArmedFault extends FaultSpec { remaining: number }

const matches = (path: string, pattern: string | RegExp | undefined): boolean =>
  pattern === undefined || (typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path));

export class FaultBox {
  private faults: ArmedFault[] = [];
  private pageFailures: Array<{ page: number; remaining: number }> = [];

  add(f: FaultSpec): void {
    this.faults.push({ ...f, remaining: f.times ?? 1 });
  }

  failOnPage(page: number, times = 1): void {
    this.pageFailures.push({ page, remaining: times });
  }

  clear(): void {
    this.faults = [];
    this.pageFailures = [];
  }

  /** The first armed fault matching this path, consumed by one use. */
  take(path: string): ArmedFault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && matches(path, f.path));
    if (!fault) return undefined;
    fault.remaining--;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fault;
  }

  /** Whether `/installation/repositories?page=N` should fail now (consumes one use). */
  takePageFailure(page: number): boolean {
    const failure = this.pageFailures.find((f) => f.page === page && f.remaining > 0);
    if (!failure) return false;
    failure.remaining--;
    this.pageFailures = this.pageFailures.filter((f) => f.remaining > 0);
    return true;
  }
}
