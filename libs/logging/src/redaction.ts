import type { IncomingMessage } from 'node:http';

/**
 * Secrets never reach the logs (docs/operations.md): headers that carry credentials, body fields by
 * name wherever they appear in a logged object, query parameters that carry credentials, and the
 * parts of an error that echo data (SQL, its parameters, PostgreSQL's "Failing row contains …" or
 * "Key (...)=(...)" detail) — a 500's log line keeps the error's kind, message, code and stack only.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrftoken"]',
  'res.headers["set-cookie"]',
  ...['password', 'current_password', 'new_password', 'personal_api_key', 'value', 'secure_value', 'secureValue', 'token', 'csrftoken', 'parameters', 'detail', 'access_token', 'refresh_token', 'client_secret', 'secret'].map(
    (field) => `*.${field}`,
  ),
];

const SECRET_QUERY_PARAMS = new Set(['personal_api_key', 'code', 'state', 'token', 'access_token', 'refresh_token']);

/** The URL with the values of credential-carrying query parameters replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let changed = false;
  for (const name of new Set(params.keys())) {
    if (SECRET_QUERY_PARAMS.has(name.toLowerCase())) {
      params.set(name, '[Redacted]');
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q)}?${params.toString()}` : url;
}

/** What is logged of a request: its id, method, redacted URL and headers (redacted by path). */
export function serializeRequest(req: { id?: unknown; method?: string; url?: string; headers?: IncomingMessage['headers'] }) {
  return { id: req.id, method: req.method, url: redactUrl(req.url ?? ''), headers: { ...req.headers } };
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
