import { z } from 'zod';
import { ROLES_AT_ORGANIZATION, SHORTCUT_POSITIONS, THEME_MODES, TOOLBAR_MODES } from '#libs/users';

const jsonObject = z.record(z.string(), z.unknown()).describe('A JSON object, at most 64 KiB serialized.');

/**
 * The writable fields of `PATCH /api/users/<uuid>/` as published in the OpenAPI document. The
 * validation itself is hand-written (UserUpdateValidator) because every rule has its own error
 * code; a test keeps the two field lists equal.
 */
export const userUpdateBodySchema = z.object({
  first_name: z.string().max(150).optional(),
  last_name: z.string().max(150).optional(),
  email: z.email().max(254).optional().describe('Not with an API key. Stored lower-case.'),
  password: z.string().min(8).optional().describe('Not with an API key. Needs `current_password` when one is set.'),
  current_password: z.string().optional(),
  notification_settings: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('A partial update, merged into the stored settings (id maps key by key).'),
  anonymize_data: z.boolean().nullable().optional(),
  allow_impersonation: z.boolean().nullable().optional(),
  toolbar_mode: z.enum(TOOLBAR_MODES as [string, ...string[]]).nullable().optional(),
  is_staff: z.boolean().optional().describe('Staff callers only.'),
  set_current_organization: z.string().optional().describe('Id of an organization the user belongs to.'),
  set_current_team: z.number().int().optional().describe("Id of a team in one of the user's organizations."),
  events_column_config: jsonObject.optional(),
  has_seen_product_intro_for: jsonObject.nullable().optional(),
  theme_mode: z.enum(THEME_MODES as [string, ...string[]]).nullable().optional(),
  hedgehog_config: jsonObject.nullable().optional(),
  allow_sidebar_suggestions: z.boolean().nullable().optional(),
  shortcut_position: z.enum(SHORTCUT_POSITIONS as [string, ...string[]]).nullable().optional(),
  role_at_organization: z.enum(ROLES_AT_ORGANIZATION).optional(),
  passkeys_enabled_for_2fa: z.boolean().nullable().optional(),
  hide_mcp_hints: z.boolean().optional(),
});

/** Fields a session may change without a recent login. */
export const REAUTH_FREE_FIELDS: ReadonlySet<string> = new Set([
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

/** Every key the update reads; anything else in a body (read-only or unknown) is ignored. */
export const UPDATE_FIELDS: readonly string[] = Object.keys(userUpdateBodySchema.shape);

/** Whether the body touches a field that needs the re-auth window. */
export const touchesSensitiveField = (body: Record<string, unknown>): boolean =>
  UPDATE_FIELDS.some((field) => Object.hasOwn(body, field) && !REAUTH_FREE_FIELDS.has(field));

export const hedgehogConfigSchema = z.record(z.string(), z.unknown()).describe('Any JSON object, at most 64 KiB serialized.');
export const githubLoginBodySchema = z.object({ github_login: z.string().nullable() });
