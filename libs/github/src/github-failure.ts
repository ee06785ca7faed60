/** What a failed GitHub call means for us (docs/operations.md, metrics; docs/api.md, GitHub). */
export type GithubFailure =
  | { kind: 'not_modified' }
  | { kind: 'not_found' }
  | { kind: 'suspended' }
  | { kind: 'unauthorized' }
  | { kind: 'rate_limited'; retryAfterS: number }
  | { kind: 'unavailable'; status?: number };

interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
  request?: { url?: string };
}

const header = (err: RequestErrorLike, name: string): string | undefined => {
  const value = err.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
};

const messageOf = (err: RequestErrorLike): string => {
  const data = err.response?.data as { message?: unknown } | undefined;
  return `${typeof data?.message === 'string' ? data.message : ''} ${err.message ?? ''}`;
};

/** Seconds until GitHub lets us call again, from `retry-after`, else `x-ratelimit-reset`, else 60. */
function retryAfterOf(err: RequestErrorLike): number {
  const retryAfter = Number(header(err, 'retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.ceil(retryAfter);
  const reset = Number(header(err, 'x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(1, Math.ceil(reset - Date.now() / 1000));
  return 60;
}

export function classifyGithubError(error: unknown): GithubFailure {
  const err = (error ?? {}) as RequestErrorLike;
  const status = typeof err.status === 'number' ? err.status : undefined;
  if (status === 304) return { kind: 'not_modified' };
  if (status === 404) return { kind: 'not_found' };
  if (status === 401) return { kind: 'unauthorized' };
  if (status === 403 || status === 429) {
    const message = messageOf(err);
    // A suspended installation is permanent until unsuspended, never a rate limit.
    if (/suspended/i.test(message)) return { kind: 'suspended' };
    if (status === 429 || header(err, 'retry-after') !== undefined || header(err, 'x-ratelimit-remaining') === '0' || /rate limit|abuse detection/i.test(message)) {
      return { kind: 'rate_limited', retryAfterS: retryAfterOf(err) };
    }
  }
  return { kind: 'unavailable', status };
}

/** Whether the failed call was the installation token mint (where 404 means "uninstalled"). */
export const isTokenMint = (error: unknown): boolean =>
  /\/app\/installations\/\d+\/access_tokens/.test((error as RequestErrorLike)?.request?.url ?? '');
