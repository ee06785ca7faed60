import { z } from 'zod';
import { validationError } from '#libs/core';
import { notNull } from './field-values.js';

export const EMAIL_MAX = 254;
const emailFormat = z.email();

/** A syntactically valid address of at most 254 characters, trimmed and lower-cased. */
export function normalizeEmailAddress(value: unknown, attr = 'email'): string {
  if (value === null) throw notNull(attr);
  if (typeof value !== 'string') throw validationError('invalid_input', 'Enter a valid email address.', attr);
  const trimmed = value.trim();
  if (!trimmed) throw validationError('blank', 'This field may not be blank.', attr);
  if (trimmed.length > EMAIL_MAX) {
    throw validationError('max_length', `Ensure this field has no more than ${EMAIL_MAX} characters.`, attr);
  }
  if (!emailFormat.safeParse(trimmed).success) throw validationError('invalid_input', 'Enter a valid email address.', attr);
  return trimmed.toLowerCase();
}
