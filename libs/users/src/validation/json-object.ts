import { z } from 'zod';
import { fail } from '#libs/core';

export const JSON_FIELD_MAX_BYTES = 64 * 1024;
const MAX_DEPTH = 64;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A JSON object of at most 64 KiB serialized, storable in a jsonb column: PostgreSQL refuses NUL
 * characters in jsonb text and overflows its stack on very deep nesting, so both are 400s here
 * rather than 500s there. The value is passed through as sent (never copied key by key, so a
 * `__proto__` key stays a key).
 */
export const jsonObject = z
  .unknown()
  .superRefine((value, ctx) => {
    if (value === null) return fail(ctx, 'null', 'This field may not be null.');
    if (!isPlainObject(value)) return fail(ctx, 'invalid_input', 'Expected a JSON object.');
    const unstorable = storageProblem(value);
    if (unstorable) return fail(ctx, 'invalid_input', unstorable);
    if (Buffer.byteLength(JSON.stringify(value)) > JSON_FIELD_MAX_BYTES) {
      fail(ctx, 'max_length', `Ensure this value is no larger than ${JSON_FIELD_MAX_BYTES} bytes as JSON.`);
    }
  })
  .transform((value) => value as Record<string, unknown>)
  .meta({ type: 'object', additionalProperties: true, description: 'A JSON object, at most 64 KiB serialized.' });

/** Why `value` cannot be stored: nesting deeper than 64 levels or a NUL character in a key or string. */
function storageProblem(value: unknown): string | null {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return 'Null characters are not allowed.';
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_DEPTH) return `JSON nested deeper than ${MAX_DEPTH} levels is not allowed.`;
    for (const [key, child] of Object.entries(node)) {
      if (key.includes('\u0000')) return 'Null characters are not allowed.';
      stack.push({ node: child, depth: depth + 1 });
    }
  }
  return null;
}
