/** Authentication (sessions, personal API keys), scopes and the access rule every route declares. */
export { AuthModule } from './auth.module.js';
export { AuthGuard } from './auth.guard.js';
export { AuthService } from './auth.service.js';
export { loginBodySchema, reauthBodySchema, type LoginBody } from './credentials.schema.js';
export { ApiKeysService, MAX_API_KEYS_PER_USER } from './api-keys.service.js';
export { apiKeyBody, apiKeyBodySchema, type ApiKeyBody } from './api-key-body.js';
export { apiKeyFieldsSchema, apiKeyUpdateSchema, type ApiKeyFields, type ApiKeyUpdate } from './api-key-fields.js';
export { assertOrganizationInKeyScope, scopedOrganizationsOf } from './key-scoping.js';
export { SessionsService, type Session } from './sessions.service.js';
export { ThrottlesService, type ThrottleBucket } from './throttles.service.js';
export { Access, Public, RecentAuthRequired, RequireScope, SessionOnly, SessionOrOwnKey, type AccessRule } from './access.decorator.js';
export { CurrentAuth } from './current-auth.decorator.js';
export { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from './cookies.js';
export { SCOPES, grants, isScope, type RequiredScope, type Scope } from './scopes.js';
export { assertFreshlyAuthenticated, assertRecentlyAuthenticated, freshReauthExpiresAt, sensitiveSessionExpiresAt } from './reauth.js';
export { PersonalApiKey } from './personal-api-key.entity.js';
export { generateApiKeyValue, hashApiKeyValue } from './api-key-value.js';
export type { AuthContext } from './auth-context.js';
export { PasskeyCredential } from './passkeys/passkey-credential.entity.js';
export {
  PasskeysService,
  DEFAULT_PASSKEY_LABEL,
  MAX_PASSKEY_LABEL,
  type AssertionInput,
  type RegistrationInput,
  type RequestOptions,
} from './passkeys/passkeys.service.js';
export { WEBAUTHN_TIMEOUT_MS } from './passkeys/webauthn-challenges.js';
export { TwoFactorService } from './two-factor/two-factor.service.js';
export { otpauthUrl } from './two-factor/totp.js';
export { SecondFactorService, type SecondFactorAnswer, type SecondFactorLogin } from './two-factor/second-factor.service.js';
export { type LoginOutcome } from './auth.service.js';
