import type { ShortcutPosition, ThemeMode, ToolbarMode } from './user.entity.js';

/** The allowed values of the user's enum fields. */
export const TOOLBAR_MODES: readonly ToolbarMode[] = ['disabled', 'toolbar'];
export const THEME_MODES: readonly ThemeMode[] = ['light', 'dark', 'system'];
export const SHORTCUT_POSITIONS: readonly ShortcutPosition[] = ['above', 'below', 'hidden'];
export const ROLES_AT_ORGANIZATION = [
  'engineering',
  'data',
  'product',
  'founder',
  'leadership',
  'marketing',
  'sales',
  'other',
] as const;
export type RoleAtOrganization = (typeof ROLES_AT_ORGANIZATION)[number];
