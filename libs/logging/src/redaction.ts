import type { IncomingMessage } from 'node:http';

/**
 * Secrets never reach the logs (docs/operations.md): headers that carry credentials, body fields by
 * name wherever they appear in a logged object, query parameters that carry credentials, and the
 * parts of an error that echo data (SQL, its parameters, PostgreSQL's "Failing row contains …" or
 * "Key (...)=(...)" detail) — a 500's log line keeps the error's kind, message, code and stack only.
 */
/** Field names whose values are credentials, wherever they appear: in a logged object or a URL's query. */
const SECRET_FIELDS = ['password', 'current_password', 'new_password', 'personal_api_key', 'value', 'secure_value', 'secureValue', 'token', 'csrftoken', 'parameters', 'detail', 'access_token', 'refresh_token', 'client_secret', 'secret'];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrftoken"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.map((field) => `*.${field}`),
];

/** Query parameters whose values never reach a log: the OAuth code and state, and every secret field above. */
const SECRET_QUERY_PARAMS = new Set(['code', 'state', ...SECRET_FIELDS.map((f) => f.toLowerCase())]);

/**
 * The URL (absolute, or a path with its query) with the values of credential-carrying query
 * parameters replaced. A parameter whose value is itself a URL (the login redirect's `next`) is
 * redacted the same way, so a code cannot hide one level down.
 */
export function redactUrl(url: string, depth = 0): string {
  const q = url.indexOf('?');
  if (q === -1 || depth > 3) return url;
  const hash = url.indexOf('#', q);
  const query = hash === -1 ? url.slice(q + 1) : url.slice(q + 1, hash);
  const params = new URLSearchParams(query);
  let changed = false;
  const redacted = new URLSearchParams();
  for (const [name, value] of params) {
    let next = value;
    if (SECRET_QUERY_PARAMS.has(name.toLowerCase())) next = '[Redacted]';
    else if (value.includes('?')) next = redactUrl(value, depth + 1);
    if (next !== value) changed = true;
    redacted.append(name, next);
  }
  if (!changed) return url;
  return `${url.slice(0, q)}?${redacted.toString()}${hash === -1 ? '' : url.slice(hash)}`;
}

type Headers = Record<string, string | string[] | number | undefined>;

/** Every header value that can hold a URL with a query (Location, Referer, …), redacted like the request URL. */
export function redactHeaders(headers: Headers | undefined): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string') out[name] = value.includes('?') ? redactUrl(value) : value;
    else if (Array.isArray(value)) out[name] = value.map((v) => (v.includes('?') ? redactUrl(v) : v));
    else out[name] = value;
  }
  return out;
}

/** What is logged of a request: its id, method, redacted URL and headers (redacted by path and by URL). */
export function serializeRequest(req: { id?: unknown; method?: string; url?: string; headers?: IncomingMessage['headers'] }) {
  return { id: req.id, method: req.method, url: redactUrl(req.url ?? ''), headers: redactHeaders(req.headers) };
}

/** What is logged of a response: its status and headers, a redirect's `location` redacted like a request URL. */
export function serializeResponse(res: { statusCode?: number; headers?: Headers }) {
  return { statusCode: res.statusCode, headers: redactHeaders(res.headers) };
}

/**
 * An error's kind, message, code and stack; never the data it carries (SQL parameters, row values).
 * pino-http hands it the standard serializer's plain copy of the error, so it reads fields, not class.
 */
export function serializeError(err: unknown): unknown {
  if (err === null || typeof err !== 'object') return err;
  const e = err as { type?: unknown; name?: unknown; message?: unknown; stack?: unknown; code?: unknown; driverError?: { code?: unknown; constraint?: unknown; table?: unknown } };
  return {
    type: e.type ?? e.name,
    message: e.message,
    code: e.code ?? e.driverError?.code,
    constraint: e.driverError?.constraint,
    table: e.driverError?.table,
    stack: e.stack,
  };
}
