import { z } from 'zod';
import { fail, parseOrThrow } from '#libs/core';

export const EMAIL_MAX = 254;
const INVALID = 'Enter a valid email address.';
const emailFormat = z.email();

/** A syntactically valid address of at most 254 characters, trimmed; lower-cased on output. */
export const emailAddress = z
  .string({ error: (issue) => (issue.input === null || issue.input === undefined ? undefined : INVALID) })
  .trim()
  .superRefine((email, ctx) => {
    if (!email) return fail(ctx, 'blank', 'This field may not be blank.');
    if (email.length > EMAIL_MAX) return fail(ctx, 'max_length', `Ensure this field has no more than ${EMAIL_MAX} characters.`);
    if (!emailFormat.safeParse(email).success) fail(ctx, 'invalid_input', INVALID);
  })
  .transform((email) => email.toLowerCase())
  .meta({ format: 'email', maxLength: EMAIL_MAX });

const emailField = z.object({ email: emailAddress });

/** `value` as `emailAddress` reads it, or the error body with attr `email`. */
export const normalizeEmailAddress = (value: unknown): string => parseOrThrow(emailField, { email: value }).email;
