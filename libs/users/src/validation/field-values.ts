import { quotable, validationError } from '#libs/core';

/** How DRF words a value's type in its messages, so our errors read like PostHog's. */
export function describeValue(value: unknown): string {
  // A long string or a nested value is named by its type, never stringified (docs/api.md, "Errors").
  return quotable(value) ?? `<${pythonType(value)}>`;
}

/** Python's class name of a JSON value, as PostHog's notification-settings messages print it. */
export function pythonType(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    default:
      return 'dict';
  }
}

export const notNull = (attr: string) => validationError('null', 'This field may not be null.', attr);

/** A strict boolean (no "true"/1 coercion); `null` only where the column is nullable. */
export function readBoolean(value: unknown, attr: string, nullable: boolean): boolean | null {
  if (value === null) {
    if (nullable) return null;
    throw notNull(attr);
  }
  if (typeof value !== 'boolean') throw validationError('invalid_input', 'Must be a valid boolean.', attr);
  return value;
}

/** One of `choices`; anything else is DRF's `invalid_choice`. */
export function readChoice<T extends string>(value: unknown, attr: string, choices: readonly T[], nullable: boolean): T | null {
  if (value === null) {
    if (nullable) return null;
    throw notNull(attr);
  }
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  // Quoted only when short (docs/api.md, "Errors"): a nested or huge value is never stringified.
  const shown = quotable(value);
  throw validationError('invalid_choice', shown === undefined ? 'Not a valid choice.' : `"${shown}" is not a valid choice.`, attr);
}

/** A string field: `null` and non-strings refused with DRF's messages. */
export function readString(value: unknown, attr: string): string {
  if (value === null) throw notNull(attr);
  if (typeof value !== 'string') throw validationError('invalid_input', 'Not a valid string.', attr);
  return value;
}
