/**
 * The account use cases behind the users routes: the user body, the update and the deletion. They
 * compose users, auth and organizations, which is why they are not in `libs/users` (auth and
 * organizations depend on it; docs/architecture.md).
 */
export { UserBodyService } from './user-body.service.js';
export { userBodySchema, type UserBody } from './user-body.js';
export { UserDeletionService } from './user-deletion.service.js';
export { UserUpdateService } from './user-update.service.js';
export { TwoFactorSettingsService } from './two-factor-settings.service.js';
export { SecondFactorLoginService } from './second-factor-login.service.js';
export { EmailVerificationLoginService, type VerifiedLogin } from './email-verification-login.service.js';
