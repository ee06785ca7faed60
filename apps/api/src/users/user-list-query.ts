import { z } from 'zod';
import { EMAIL_MAX } from '#libs/users';
import { emptyAsAbsent, pageQuery } from '../http/page-query.js';

/** The accepted spellings of `?is_staff` (DRF's boolean filter); nothing else. */
const IS_STAFF = { true: true, True: true, '1': true, false: false, False: false, '0': false } as const;

/**
 * `GET /api/users/`: `email` (exact, case-insensitive), `is_staff`, `limit` and `offset`; an
 * empty value filters nothing.
 */
export const userListQuery = z.object({
  email: z.preprocess(emptyAsAbsent, z.string({ error: (issue) => (issue.code === 'invalid_type' ? 'Enter a single email address.' : undefined) }).trim().max(EMAIL_MAX).optional()).describe('Exact address, case-insensitive.'),
  is_staff: z
    .preprocess(emptyAsAbsent, z.enum(Object.keys(IS_STAFF) as [keyof typeof IS_STAFF, ...(keyof typeof IS_STAFF)[]]).optional())
    .transform((value) => (value === undefined ? undefined : IS_STAFF[value])),
  ...pageQuery().shape,
});
export type UserListQuery = z.output<typeof userListQuery>;
