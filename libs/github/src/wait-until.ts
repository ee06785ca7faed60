import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` every `everyMs` until it returns a value or `timeoutMs` passes (then undefined).
 * Waiting on the cache rather than on a job id works whichever de-duplicated job did the work.
 */
export async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number, everyMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await sleep(Math.min(everyMs, left));
  }
}
