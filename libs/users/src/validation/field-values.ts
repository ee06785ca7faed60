import { quotable } from '#libs/core';

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
