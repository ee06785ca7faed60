const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a syntactically valid uuid (so a malformed one is a 404 or a 400, never a SQL error). */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID_RE.test(value);
