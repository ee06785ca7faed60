import { InitialSchema1764170000000 } from './1764170000000-InitialSchema.js';
import { SignalAutonomy1764180000000 } from './1764180000000-SignalAutonomy.js';
import { GithubIntegrations1764190000000 } from './1764190000000-GithubIntegrations.js';
import { ActiveUsersIndex1764200000000 } from './1764200000000-ActiveUsersIndex.js';
import { PersonalApiKeyLifecycle1765400000000 } from './1765400000000-PersonalApiKeyLifecycle.js';
import { GithubUserTokens1765400001000 } from './1765400001000-GithubUserTokens.js';
import { PasskeyCredentials1765500000000 } from './1765500000000-PasskeyCredentials.js';
import { PasswordReset1765500000000 } from './1765500000000-PasswordReset.js';
import { TwoFactor1765600000000 } from './1765600000000-TwoFactor.js';

/**
 * Every migration, oldest first. Listed as classes (not a glob) so the build, the CLI and Jest see
 * the same list. Add new ones at the end; never edit one that has shipped.
 */
export const migrations = [
  InitialSchema1764170000000,
  SignalAutonomy1764180000000,
  GithubIntegrations1764190000000,
  ActiveUsersIndex1764200000000,
  PersonalApiKeyLifecycle1765400000000,
  GithubUserTokens1765400001000,
  PasskeyCredentials1765500000000,
  PasswordReset1765500000000,
  TwoFactor1765600000000,
];
