import type { ErrorBody } from './error-body.js';

/** Deeper JSON is refused before parsing (docs/api.md, "Requests and errors"). */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether the JSON text nests deeper than `max`, by one pass over the bytes (brackets inside strings
 * do not count). Run before the parser, so that a 100,000-deep body never reaches anything recursive
 * (the parser, a later walk, PostgreSQL's jsonb).
 */
export function jsonNestsDeeperThan(body: Buffer, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
  }
  return false;
}

const NUL_BODY = (attr: string | null): ErrorBody => ({
  type: 'validation_error',
  code: 'null_characters_not_allowed',
  detail: 'Null characters are not allowed.',
  attr,
});
const UNICODE_BODY = (attr: string | null): ErrorBody => ({ type: 'validation_error', code: 'invalid_input', detail: 'Invalid unicode.', attr });

// A high surrogate not followed by a low one, or a low one not preceded by a high one (no `u` flag:
// the pattern must see code units).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The error for a string PostgreSQL could not store (NUL) or encode (a lone surrogate), if any. */
function badString(value: string, attr: string | null): ErrorBody | undefined {
  if (value.includes('\u0000')) return NUL_BODY(attr);
  if (LONE_SURROGATE.test(value)) return UNICODE_BODY(attr);
  return undefined;
}

/** The first bad string anywhere in `value` (keys included), reported under `attr`. Iterative: no depth limit applies to query objects. */
function badStringIn(value: unknown, attr: string | null): ErrorBody | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') {
      const bad = badString(node, attr);
      if (bad) return bad;
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        const bad = badString(key, attr);
        if (bad) return bad;
        stack.push(child);
      }
    }
  }
  return undefined;
}

/** Top-level keys name the field (`attr`); a bad top-level key itself has `attr: null`. */
function badStringInFields(fields: unknown): ErrorBody | undefined {
  if (typeof fields === 'string') return badString(fields, null);
  if (fields === null || typeof fields !== 'object') return undefined;
  if (Array.isArray(fields)) return badStringIn(fields, null);
  for (const [key, value] of Object.entries(fields)) {
    const bad = badString(key, null) ?? badStringIn(value, key);
    if (bad) return bad;
  }
  return undefined;
}

/**
 * The 400 for a NUL or an unpaired surrogate in the path parameters, the query or the body (in that
 * order), or `undefined`. Checked for every route before access rules and handlers, so no such
 * string reaches a lookup, a throttle key or a column (docs/api.md, "Requests and errors").
 */
export function badStringInRequest(req: { params?: unknown; query?: unknown; body?: unknown }): ErrorBody | undefined {
  return badStringInFields(req.params) ?? badStringInFields(req.query) ?? badStringInFields(req.body);
}

// RFC 3986 reg-name (unreserved characters and percent-escapes), IPv4, or a bracketed IPv6 literal;
// then an optional port.
const HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/** Whether `host` is a valid `host[:port]`, from which an absolute URL can always be built. */
export function isValidHost(host: string): boolean {
  const match = HOST.exec(host);
  if (!match) return false;
  if (match[1] !== undefined && Number(match[1]) > 65535) return false;
  return URL.canParse(`http://${host}/`);
}

export const INVALID_HOST_BODY: ErrorBody = { type: 'invalid_request', code: 'invalid_host', detail: 'Invalid Host header.', attr: null };
