/** Users: the entity, lookups and writes, and password hashing. */
export { UsersModule } from './users.module.js';
export { UsersService, isUuid, type NewUser } from './users.service.js';
export { User, type ShortcutPosition, type ThemeMode, type ToolbarMode } from './user.entity.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { NOTIFICATION_DEFAULTS, effectiveNotificationSettings, type NotificationSettings } from './notification-settings.js';
export { GithubLoginLookup, UserDeletionListener, noDeletionCleanup, noGithubLogin } from './user-extensions.js';
