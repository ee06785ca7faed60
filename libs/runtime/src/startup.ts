import pino, { type Logger } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '#libs/config';
import { probeDatabase, probeRedis, type ProbeResult } from './probes.js';

/**
 * The logger of a process before Nest exists (start-up checks, shutdown): the same JSON lines and
 * service tag as the app's own, written synchronously so a line is out before an exit.
 */
export function bootLogger(service: 'api' | 'worker', level: AppConfig['LOG_LEVEL']): Logger {
  return pino({ level, base: { service } });
}

export interface DependencyCheck {
  name: string;
  run: () => Promise<ProbeResult>;
}

/** PostgreSQL and Redis, as every process needs them. */
export const serviceDependencies = (config: AppConfig): DependencyCheck[] => [
  { name: 'postgres', run: () => probeDatabase(config.DATABASE_URL) },
  { name: 'redis', run: () => probeRedis(config) },
];

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 10_000;
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * Runs the checks until all pass, logging one line per problem (what is wrong and what to do)
 * and retrying with exponential backoff; false once `timeoutMs` has passed without success, so
 * the caller exits non-zero and an orchestrator restarts it (docs/operations.md, Start-up).
 */
export async function waitForDependencies(checks: DependencyCheck[], log: Logger, timeoutMs: number): Promise<boolean> {
  const started = Date.now();
  let delay = FIRST_RETRY_MS;
  for (let attempt = 1; ; attempt++) {
    const results = await Promise.all(checks.map(async (check) => ({ check, result: await check.run() })));
    const failed = results.flatMap(({ check, result }) => (result.ok ? [] : [{ dependency: check.name, problem: result.problem }]));
    if (failed.length === 0) {
      for (const { check, result } of results) if (result.ok && result.warning) log.warn({ dependency: check.name }, result.warning);
      return true;
    }
    const left = timeoutMs - (Date.now() - started);
    if (left <= 0) {
      for (const { dependency, problem } of failed) log.fatal({ dependency, attempt }, `${problem}; gave up after ${seconds(timeoutMs)} (STARTUP_TIMEOUT_MS)`);
      return false;
    }
    const wait = Math.min(delay, left);
    for (const { dependency, problem } of failed) log.error({ dependency, attempt }, `${problem}; retrying in ${seconds(wait)}`);
    await sleep(wait);
    delay = Math.min(delay * 2, MAX_RETRY_MS);
  }
}
