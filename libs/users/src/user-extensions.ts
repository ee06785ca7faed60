/**
 * Seams through which other domains extend users without the users lib knowing them. The API
 * registers a no-op default; the GitHub integration provides the real ones.
 */

/** The GitHub login of the user's most recently linked GitHub integration (SPEC §2.6). */
export abstract class GithubLoginLookup {
  abstract githubLoginFor(userId: number): Promise<string | null>;
}

/**
 * Called after every check of a user's hard delete has passed, just before the row is deleted, so a
 * domain can clean up what the database cascade cannot (Redis caches, third-party state).
 */
export abstract class UserDeletionListener {
  abstract beforeUserDeleted(userId: number): Promise<void>;
}

export const noGithubLogin: GithubLoginLookup = { githubLoginFor: async () => null };
export const noDeletionCleanup: UserDeletionListener = { beforeUserDeleted: async () => undefined };

/**
 * Security notices sent to a user's account address (e-mail when it is configured). Callers never
 * wait on delivery and a failed send never changes their answer. The API registers a no-op default;
 * the e-mail lib provides the real one.
 */
export type AccountNotice = 'two_factor_enabled' | 'two_factor_disabled' | 'backup_code_used' | 'password_changed';

export abstract class AccountNotifier {
  abstract notify(userId: number, notice: AccountNotice): Promise<void>;
}

/**
 * Whether the user has a second factor, so a `verify_email` login answers `requires_2fa` instead
 * of opening a session. The 2FA lib provides the real one; until then nobody has one.
 */
export abstract class TwoFactorLookup {
  abstract isEnabled(userId: number): Promise<boolean>;
}

export const noTwoFactor: TwoFactorLookup = { isEnabled: async () => false };

export const noAccountNotices: AccountNotifier = { notify: async () => undefined };
