/** Signal priorities, P0 the highest (PostHog's `AutonomyPriority`). */
export const AUTONOMY_PRIORITIES = ['P0', 'P1', 'P2', 'P3', 'P4'] as const;
export type AutonomyPriority = (typeof AUTONOMY_PRIORITIES)[number];
