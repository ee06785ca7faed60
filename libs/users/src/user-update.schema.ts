import { z } from 'zod';
import { fail } from '#libs/core';
import { ROLES_AT_ORGANIZATION, SHORTCUT_POSITIONS, THEME_MODES, TOOLBAR_MODES } from './user-choices.js';
import { displayName } from './validation/display-name.js';
import { emailAddress } from './validation/email-address.js';
import { describeValue } from './validation/field-values.js';
import { jsonObject } from './validation/json-object.js';
import { notificationSettingsUpdate } from './validation/notification-settings-update.js';

const MAX_INT4 = 2_147_483_647;

/** DRF's answer for a related id that names nothing the user may use. */
export const doesNotExistDetail = (value: unknown) => `Object with id=${describeValue(value)} does not exist.`;

/** An organization id as sent: any string (trimmed, lower-cased); membership is the use case's check. */
const organizationId = z
  .unknown()
  .transform((value, ctx) => {
    if (typeof value === 'string') return value.trim().toLowerCase();
    fail(ctx, 'does_not_exist', doesNotExistDetail(value));
    return z.NEVER;
  })
  .meta({ type: 'string', description: 'Id of an organization the user belongs to.' });

/** A team id: a positive integer, or its decimal string, that fits PostgreSQL's integer. */
const teamId = z
  .unknown()
  .transform((value, ctx) => {
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,10}\s*$/.test(value) ? Number(value) : NaN;
    if (Number.isInteger(n) && n >= 1 && n <= MAX_INT4) return n;
    fail(ctx, 'does_not_exist', doesNotExistDetail(value));
    return z.NEVER;
  })
  .meta({
    anyOf: [
      { type: 'integer', minimum: 1, maximum: MAX_INT4 },
      { type: 'string', pattern: '^\\s*\\d{1,10}\\s*$' },
    ],
    description: "Id of a team in one of the user's organizations (an integer or its decimal string).",
  });

const password = z.string().superRefine((value, ctx) => {
  if (!value) fail(ctx, 'blank', 'This field may not be blank.');
});

/**
 * The body of `PATCH /api/users/<uuid>/` (docs/api.md, "Users"): every rule that needs only the
 * body. Read-only and unknown keys are dropped. What needs the database (the address taken, the
 * memberships, the current password, the password's likeness to the account) is the use case's.
 */
export const userUpdateBodySchema = z.object({
  first_name: displayName.optional(),
  last_name: displayName.optional(),
  email: emailAddress.optional().describe('Not with an API key. Stored lower-case.'),
  password: password.optional().describe('Not with an API key. Needs `current_password` when one is set.'),
  current_password: z.string().optional(),
  notification_settings: notificationSettingsUpdate.optional(),
  anonymize_data: z.boolean().nullable().optional(),
  allow_impersonation: z.boolean().nullable().optional(),
  toolbar_mode: z.enum(TOOLBAR_MODES).nullable().optional(),
  is_staff: z.boolean().optional().describe('Staff callers only.'),
  set_current_organization: organizationId.optional(),
  set_current_team: teamId.optional(),
  events_column_config: jsonObject.optional(),
  has_seen_product_intro_for: jsonObject.nullable().optional(),
  theme_mode: z.enum(THEME_MODES).nullable().optional(),
  hedgehog_config: jsonObject.nullable().optional(),
  allow_sidebar_suggestions: z.boolean().nullable().optional(),
  shortcut_position: z.enum(SHORTCUT_POSITIONS).nullable().optional(),
  role_at_organization: z.enum(ROLES_AT_ORGANIZATION).optional(),
  passkeys_enabled_for_2fa: z.boolean().nullable().optional(),
  hide_mcp_hints: z.boolean().optional(),
});

export type UserUpdateBody = z.output<typeof userUpdateBodySchema>;

/** Who a new account is (the CLI's `users:create`): the same rules as the update's fields. */
export const newUserIdentitySchema = z.object({
  email: emailAddress,
  first_name: displayName.default(''),
  last_name: displayName.default(''),
});

/** Fields a session may change without a recent login. */
const REAUTH_FREE_FIELDS: ReadonlySet<string> = new Set([
  'theme_mode',
  'set_current_organization',
  'set_current_team',
  'allow_sidebar_suggestions',
  'shortcut_position',
  'has_seen_product_intro_for',
  'events_column_config',
  'role_at_organization',
  'hedgehog_config',
  'hide_mcp_hints',
  'toolbar_mode',
]);

const UPDATE_FIELDS = Object.keys(userUpdateBodySchema.shape);

/** Whether the body touches a field that needs the re-auth window (read before validation). */
export const touchesSensitiveField = (body: Record<string, unknown>): boolean =>
  UPDATE_FIELDS.some((field) => Object.hasOwn(body, field) && !REAUTH_FREE_FIELDS.has(field));

/** The body of `PATCH /api/users/<uuid>/hedgehog_config/`: the configuration itself. */
export const hedgehogConfigBodySchema = z
  .unknown()
  // A key sent in the body to authenticate is a credential, never configuration to store.
  .transform((body) => {
    const { personal_api_key: _credential, ...config } = body as Record<string, unknown>;
    return { hedgehog_config: config as unknown };
  })
  .pipe(z.object({ hedgehog_config: jsonObject }))
  .transform(({ hedgehog_config }) => hedgehog_config)
  .meta({ type: 'object', additionalProperties: true, description: 'Any JSON object, at most 64 KiB serialized.' });
