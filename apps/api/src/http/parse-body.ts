import type { z } from 'zod';
import { quotable, validationError } from '#libs/core';

/** The request body as an object; anything else (a list, a string) is a 400. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    const got = Array.isArray(body) ? 'list' : typeof body;
    throw validationError('invalid_input', `Invalid data. Expected a dictionary, but got ${got}.`, null);
  }
  return body as Record<string, unknown>;
}

/** DRF's wording, which PostHog's clients show as is. */
const TYPE_MESSAGES: Record<string, string> = {
  string: 'Not a valid string.',
  number: 'A valid number is required.',
  int: 'A valid integer is required.',
  boolean: 'Must be a valid boolean.',
  array: 'Expected a list of items.',
  object: 'Expected a dictionary of items.',
};

/** Validates `body` against a zod schema; the first issue becomes a 400 naming its field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  // reportInput: the offending value decides between "required" and "wrong type", and is quoted.
  const result = schema.safeParse(bodyObject(body), { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const attr = issue.path.length ? String(issue.path[0]) : null;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) throw validationError('required', 'This field is required.', attr);
      if (issue.input === null) throw validationError('null', 'This field may not be null.', attr);
      throw validationError('invalid_input', TYPE_MESSAGES[issue.expected] ?? `Expected ${issue.expected}.`, attr);
    case 'too_big':
      if (issue.origin === 'string') {
        throw validationError('max_length', `Ensure this field has no more than ${issue.maximum} characters.`, attr);
      }
      throw validationError('max_value', `Ensure this value is less than or equal to ${issue.maximum}.`, attr);
    case 'too_small':
      if (issue.origin === 'string') throw validationError('blank', 'This field may not be blank.', attr);
      throw validationError('min_value', `Ensure this value is greater than or equal to ${issue.minimum}.`, attr);
    case 'invalid_value': {
      // Quoted only when short (docs/api.md, "Errors"): a nested or huge value is never stringified.
      const shown = quotable(issue.input);
      throw validationError('invalid_choice', shown === undefined ? 'Not a valid choice.' : `${JSON.stringify(shown)} is not a valid choice.`, attr);
    }
    default:
      throw validationError('invalid_input', issue.message, attr);
  }
}
