import type { Job, JobsOptions, Queue } from 'bullmq';

/**
 * A queue's jobs as one map of job name → payload type. Job names are persisted in Redis with every
 * waiting, delayed and scheduled job: add names; never rename or reuse one.
 */
export type JobMap<M> = { [N in keyof M]: object };

/** A job of the map, discriminated by name: `switch (job.name)` narrows `job.data`. */
export type JobOf<M extends JobMap<M>> = { [N in keyof M & string]: Job<M[N], unknown, N> }[keyof M & string];

/** A typed `add` for `queue`: each job name takes the payload type the map gives it. */
export type AddJob<M extends JobMap<M>> = <N extends keyof M & string>(name: N, data: M[N], opts?: JobsOptions) => Promise<Job>;

export function jobAdder<M extends JobMap<M>>(queue: Queue): AddJob<M> {
  return (name, data, opts) => queue.add(name, data, opts);
}

/** For a processor's `default:` branch: a job name the map does not know (a job from a newer release). */
export function unknownJob(name: never): Error {
  return new Error(`Unknown job ${String(name)}`);
}
