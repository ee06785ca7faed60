import { validationError } from '#libs/core';
import { notNull } from './field-values.js';

export const JSON_FIELD_MAX_BYTES = 64 * 1024;
const MAX_DEPTH = 64;

/**
 * A JSON object of at most 64 KiB serialized, storable in a jsonb column: PostgreSQL refuses NUL
 * characters in jsonb text and overflows its stack on very deep nesting, so both are 400s here
 * rather than 500s there.
 */
export function readJsonObject(value: unknown, attr: string, nullable: boolean): Record<string, unknown> | null {
  if (value === null) {
    if (nullable) return null;
    throw notNull(attr);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw validationError('invalid_input', 'Expected a JSON object.', attr);
  }
  assertStorableJson(value, attr);
  if (Buffer.byteLength(JSON.stringify(value)) > JSON_FIELD_MAX_BYTES) {
    throw validationError('max_length', `Ensure this value is no larger than ${JSON_FIELD_MAX_BYTES} bytes as JSON.`, attr);
  }
  return value as Record<string, unknown>;
}

/** Throws when `value` nests deeper than 64 levels or holds a NUL character in a key or string. */
export function assertStorableJson(value: unknown, attr: string): void {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) throw validationError('invalid_input', 'Null characters are not allowed.', attr);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_DEPTH) throw validationError('invalid_input', `JSON nested deeper than ${MAX_DEPTH} levels is not allowed.`, attr);
    for (const [key, child] of Object.entries(node)) {
      if (key.includes('\u0000')) throw validationError('invalid_input', 'Null characters are not allowed.', attr);
      stack.push({ node: child, depth: depth + 1 });
    }
  }
}
