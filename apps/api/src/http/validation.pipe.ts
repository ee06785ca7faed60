import { Injectable, StandardSchemaValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { z } from 'zod';
import { notFound, quotable, validationError, type DomainError } from '#libs/core';

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
      // Quoted only when short (docs/api.md, "Errors"): a nested or huge value is never stringified.
      const shown = quotable(issue.input);
      return validationError('invalid_choice', shown === undefined ? 'Not a valid choice.' : `${JSON.stringify(shown)} is not a valid choice.`, attr);
    }
    default:
      return validationError('invalid_input', issue.message, attr);
  }
}

/** The request body as an object; anything else (a list, a string) is a 400. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    const got = Array.isArray(body) ? 'list' : typeof body;
    throw validationError('invalid_input', `Invalid data. Expected a dictionary, but got ${got}.`, null);
  }
  return body as Record<string, unknown>;
}

/**
 * The one validation path (docs/architecture.md): every `@Body({ schema })`, `@Query({ schema })`
 * and `@Param({ schema })` is checked here against its zod schema, and the first issue becomes the
 * API's error body. zod is asked directly (with `reportInput`) rather than through the Standard
 * Schema interface, whose issues carry only a message and a path: the body needs the issue's code,
 * expected type and offending value.
 */
@Injectable()
export class ApiValidationPipe extends StandardSchemaValidationPipe {
  constructor() {
    super({ exceptionFactory: (issues) => validationErrorFromIssue(issues[0] as z.core.$ZodIssue) });
  }

  override async transform<T = unknown>(value: T, metadata: ArgumentMetadata): Promise<T> {
    // A missing or empty JSON body is an empty object; a list or a string is refused (DRF's rule).
    const input = metadata.schema && metadata.type === 'body' ? bodyObject(value) : value;
    return super.transform(input as T, metadata);
  }

  protected override validate<T = unknown>(value: unknown, schema: StandardSchemaV1): StandardSchemaV1.Result<T> {
    if (!(schema instanceof z.ZodType)) throw new TypeError('route schemas are zod schemas');
    const result = schema.safeParse(value, { reportInput: true });
    return result.success ? { value: result.data as T } : { issues: result.error.issues };
  }
}
