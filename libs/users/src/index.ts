/** Users: the entity, lookups and writes, and password hashing. */
export { UsersModule } from './users.module.js';
export { UsersService, type NewUser, type UserListFilter } from './users.service.js';
export { User, type ShortcutPosition, type ThemeMode, type ToolbarMode } from './user.entity.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { NOTIFICATION_DEFAULTS, effectiveNotificationSettings, type NotificationSettings } from './notification-settings.js';
export { AccountNotifier, GithubLoginLookup, UserDeletionListener, type AccountNotice } from './user-extensions.js';
export { ROLES_AT_ORGANIZATION, SHORTCUT_POSITIONS, THEME_MODES, TOOLBAR_MODES, type RoleAtOrganization } from './user-choices.js';
export * from './validation/index.js';
export {
  doesNotExistDetail,
  hedgehogConfigBodySchema,
  newUserIdentitySchema,
  touchesSensitiveField,
  userUpdateBodySchema,
  type UserUpdateBody,
} from './user-update.schema.js';
export { ME, parseUserReference, UserTargets, USERS_ROUTES, type TargetRules, type UserReference } from './user-reference.js';
