/**
 * Seams through which other domains extend users without the users lib knowing them: libs/github
 * provides the GitHub login and the deletion cleanup, libs/mail the account notices.
 */

/** The GitHub login of the user's most recently linked GitHub integration. */
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

/**
 * Security notices sent to a user's account address (e-mail when it is configured). Callers never
 * wait on delivery and a failed send never changes their answer. libs/mail provides it (by e-mail,
 * skipped when e-mail is not available).
 */
export type AccountNotice = 'two_factor_enabled' | 'two_factor_disabled' | 'backup_code_used' | 'password_changed';

export abstract class AccountNotifier {
  abstract notify(userId: number, notice: AccountNotice): Promise<void>;
}
