/**
 * How a refresh job ended, for the processor to turn into BullMQ semantics: `delay` moves the job
 * to delayed until GitHub's reset (not a failure), `stop` ends it without retries, `retry` fails the
 * attempt so BullMQ retries it with backoff.
 */
export type SyncOutcome =
  | { kind: 'done' }
  | { kind: 'delay'; untilMs: number }
  | { kind: 'stop'; reason: string }
  | { kind: 'retry'; reason: string };
