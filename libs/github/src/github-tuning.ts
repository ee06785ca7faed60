/** Timing knobs that are not operator configuration (tests shrink them to keep fault tests fast). */
export interface GithubTuning {
  /** plugin-retry: retries of a 5xx inside one job attempt, and the base of its (n+1)² delay. */
  requestRetries: number;
  retryBaseMs: number;
  /** BullMQ exponential backoff between job attempts (5xx, network). */
  jobBackoffMs: number;
  /** How often a request waiting for a job looks at the cache. */
  pollMs: number;
  /** A manual refresh this soon after the last one costs no GitHub call (PostHog: 30 s). */
  refreshCooldownMs: number;
  /** The default branch of a repository is re-read from GitHub this often (PostHog: 6 h). */
  defaultBranchTtlS: number;
}

export const GITHUB_TUNING = Symbol('GITHUB_TUNING');

export const DEFAULT_GITHUB_TUNING: GithubTuning = {
  requestRetries: 2,
  retryBaseMs: 1000,
  jobBackoffMs: 5000,
  pollMs: 50,
  refreshCooldownMs: 30_000,
  defaultBranchTtlS: 6 * 3600,
};
