/** The longest string an error `detail` may quote (docs/api.md, "Errors"). */
export const MAX_QUOTED_LENGTH = 100;

/**
 * `value` as an error message may show it, or `undefined` when it must not be shown: only numbers,
 * booleans, `null` and strings of at most 100 characters are quoted, so a client's megabyte string or
 * deeply nested object is never copied (or stringified) into a response or a log line.
 */
export function quotable(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length <= MAX_QUOTED_LENGTH ? value : undefined;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return undefined;
}
