import { z } from 'zod';
import { fail } from '#libs/core';
import { EMAIL_MAX } from '#libs/users';

/** A string that is there and not blank; anything else is DRF's `required` (docs/api.md, Sessions). */
const present = (trim: boolean) =>
  z
    .unknown()
    .transform((value, ctx) => {
      if (typeof value === 'string' && (trim ? value.trim() : value)) return value;
      fail(ctx, 'required', 'This field is required.');
      return z.NEVER;
    })
    .meta({ type: 'string', minLength: 1 });

/** `POST /api/login`: the address is matched trimmed and lower-cased. */
export const loginBodySchema = z
  .object({ email: present(true), password: present(false) })
  // Refused before any lookup or throttle: no address is longer (RFC 5321), and an unbounded one
  // would be hashed and looked up for nothing (docs/api.md, hostile input).
  .superRefine(({ email }, ctx) => {
    if (email.trim().length > EMAIL_MAX) {
      ctx.addIssue({ code: 'custom', path: ['email'], message: `Ensure this field has no more than ${EMAIL_MAX} characters.`, params: { code: 'max_length' } });
    }
  })
  .transform(({ email, password }) => ({ email: email.trim().toLowerCase(), password }));

export type LoginBody = z.output<typeof loginBodySchema>;

/** `POST /api/reauth`: the current password. */
export const reauthBodySchema = z.object({ password: present(false) });
