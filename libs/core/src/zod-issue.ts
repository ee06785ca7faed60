import type { z } from 'zod';
import { notFound, validationError, type DomainError } from './domain-error.js';
import { quotable } from './quote.js';

/** DRF's wording, which PostHog's clients show as is. */
const TYPE_MESSAGES: Record<string, string> = {
  string: 'Not a valid string.',
  number: 'A valid number is required.',
  int: 'A valid integer is required.',
  boolean: 'Must be a valid boolean.',
  array: 'Expected a list of items.',
  object: 'Expected a dictionary of items.',
};

/** zod's own messages start so; any other message was written in a schema and is shown as is. */
const isZodDefault = (message: string) => /^(Invalid|Too (big|small)|Unrecognized)/.test(message);

/**
 * The error body of a request that fails its schema (docs/api.md, Errors): the first issue,
 * named by its top-level field, in DRF's codes and wording.
 */
export function validationErrorFromIssue(issue: z.core.$ZodIssue): DomainError {
  // A path id that cannot name anything is the resource's 404 (its schema says so).
  if (issue.code === 'custom' && issue.params?.notFound === true) return notFound(issue.message);
  const attr = issue.path.length ? String(issue.path[0]) : null;
  // A rule that names its own code (see `fail`) is reported exactly as it words it.
  if (issue.code === 'custom' && typeof issue.params?.code === 'string') return validationError(issue.params.code, issue.message, attr);
  // A schema that words its own sentence (PostHog's, e.g. a passkey label's) gives it, as
  // `invalid_input`, for every way the field fails, absence included.
  if (!isZodDefault(issue.message)) return validationError('invalid_input', issue.message, attr);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return validationError('required', 'This field is required.', attr);
      if (issue.input === null) return validationError('null', 'This field may not be null.', attr);
      return validationError('invalid_input', TYPE_MESSAGES[issue.expected] ?? `Expected ${issue.expected}.`, attr);
    case 'too_big':
      if (issue.origin === 'string') return validationError('max_length', `Ensure this field has no more than ${issue.maximum} characters.`, attr);
      return validationError('max_value', `Ensure this value is less than or equal to ${issue.maximum}.`, attr);
    case 'too_small':
      if (issue.origin === 'string') return validationError('blank', 'This field may not be blank.', attr);
      return validationError('min_value', `Ensure this value is greater than or equal to ${issue.minimum}.`, attr);
    case 'invalid_value': {
      if (issue.input === null) return validationError('null', 'This field may not be null.', attr);
      // Quoted only when short (docs/api.md, "Errors"): a nested or huge value is never stringified.
      const shown = quotable(issue.input);
      return validationError('invalid_choice', shown === undefined ? 'Not a valid choice.' : `"${shown}" is not a valid choice.`, attr);
    }
    default:
      return validationError('invalid_input', issue.message, attr);
  }
}

/**
 * Fails a refinement with the API's own `code` and `detail`; `attr` is the field the rule sits on.
 * For rules whose wording zod's issue codes cannot carry (e.g. `invalid_url` on a name).
 */
export function fail(ctx: z.RefinementCtx, code: string, detail: string): void {
  ctx.addIssue({ code: 'custom', message: detail, params: { code } });
}

/** The request body as an object; anything else (a list, a string) is a 400 (DRF's rule). */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    const got = Array.isArray(body) ? 'list' : typeof body;
    throw validationError('invalid_input', `Invalid data. Expected a dictionary, but got ${got}.`, null);
  }
  return body as Record<string, unknown>;
}

/** `value` parsed by `schema`, or the API's error body for its first issue. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw validationErrorFromIssue(result.error.issues[0]!);
  return result.data;
}
