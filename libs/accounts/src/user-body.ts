import { z } from 'zod';

const membershipLevel = z.union([z.literal(1), z.literal(8), z.literal(15)]);

export const teamBodySchema = z.object({
  id: z.number().int(),
  uuid: z.string(),
  organization: z.string(),
  name: z.string(),
  api_token: z.string(),
  timezone: z.string(),
});

export const organizationBodySchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  created_at: z.string(),
  membership_level: membershipLevel.nullable(),
  teams: z.array(z.object({ id: z.number().int(), name: z.string() })),
});

export const organizationSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  membership_level: membershipLevel,
});

/** The user body; it never carries a password. */
export const userBodySchema = z.object({
  id: z.number().int(),
  uuid: z.string(),
  distinct_id: z.string(),
  date_joined: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  email: z.string(),
  pending_email: z.string().nullable(),
  is_email_verified: z.boolean().nullable(),
  notification_settings: z.record(z.string(), z.unknown()),
  anonymize_data: z.boolean().nullable(),
  allow_impersonation: z.boolean().nullable(),
  toolbar_mode: z.enum(['disabled', 'toolbar']).nullable(),
  has_password: z.boolean(),
  is_staff: z.boolean(),
  sensitive_session_expires_at: z.string().nullable(),
  /** When the fresh re-authentication window closes (sessions only; else null). */
  fresh_reauth_expires_at: z.string().nullable(),
  /** Always false: this service has no social login. */
  has_social_auth: z.boolean(),
  team: teamBodySchema.nullable(),
  organization: organizationBodySchema.nullable(),
  organizations: z.array(organizationSummarySchema),
  events_column_config: z.record(z.string(), z.unknown()),
  is_2fa_enabled: z.boolean(),
  has_seen_product_intro_for: z.record(z.string(), z.unknown()).nullable(),
  theme_mode: z.enum(['light', 'dark', 'system']).nullable(),
  hedgehog_config: z.record(z.string(), z.unknown()).nullable(),
  allow_sidebar_suggestions: z.boolean().nullable(),
  shortcut_position: z.enum(['above', 'below', 'hidden']),
  role_at_organization: z.string().nullable(),
  passkeys_enabled_for_2fa: z.boolean().nullable(),
  hide_mcp_hints: z.boolean(),
  requires_credential_review: z.boolean(),
});

export type UserBody = z.infer<typeof userBodySchema>;
export type TeamBody = z.infer<typeof teamBodySchema>;
export type OrganizationBody = z.infer<typeof organizationBodySchema>;
