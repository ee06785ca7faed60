import { Inject, Injectable } from '@nestjs/common';
import { SessionsService, ThrottlesService } from '#libs/auth';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { validationError } from '#libs/core';
import { AccountNotifier, assertStrongPassword, EMAIL_MAX, hashPassword, normalizeEmailAddress, UsersService, type User } from '#libs/users';
import { hmacKey, sameHex, sha256 } from './hashing.js';
import { Mailer } from './mailer.js';

const invalidToken = () => validationError('invalid_token', 'This reset token is invalid or has expired.', 'token');
/** The columns a token is bound to (`bound`): a write to any of them kills it. */
const TOKEN_BOUND_COLUMNS = ['email', 'password', 'requestedPasswordResetAt'] as const;
const required = (attr: string) => validationError('required', 'This field is required.', attr);

/**
 * Password reset by e-mailed link (docs/api.md, Password reset). The token is never stored: it is
 * `<base36 issue time>-<HMAC>` over the user, the address, the password hash and
 * `requested_password_reset_at`, so it dies when used, when the password or address changes and
 * when a newer reset is requested.
 */
@Injectable()
export class PasswordResetService {
  private readonly mac: (message: string) => string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly throttles: ThrottlesService,
    private readonly mailer: Mailer,
    private readonly notifier: AccountNotifier,
  ) {
    this.mac = hmacKey(config.SECRET_KEY, 'password-reset');
  }

  /**
   * `POST /api/reset/`: always quiet about whether the address has an account, in its answer and in
   * its timing: every valid request does the same work (the throttle, then one queued job) and the
   * worker looks the address up (`sendLink`).
   */
  async request(rawEmail: unknown): Promise<void> {
    // Long addresses are refused before the throttle, so its keys stay bounded.
    if (typeof rawEmail === 'string' && rawEmail.trim().length > EMAIL_MAX) normalizeEmailAddress(rawEmail);
    if (typeof rawEmail === 'string' && rawEmail.trim()) {
      await this.throttles.consume('passwordResetPerEmail', sha256(rawEmail.trim().toLowerCase()));
    }
    if (rawEmail === undefined || (typeof rawEmail === 'string' && !rawEmail.trim())) throw required('email');
    const email = normalizeEmailAddress(rawEmail);
    if (!this.mailer.available) {
      throw validationError('email_not_available', 'Cannot reset passwords because email is not configured for your instance. Please contact your administrator.', null);
    }
    await this.mailer.requestPasswordReset(email);
  }

  /** The worker's half of a reset request: mails a link when the address belongs to an active account. */
  async sendLink(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user || !user.isActive) return;
    const requestedAt = new Date();
    await this.users.update(user, { requestedPasswordResetAt: requestedAt });
    const token = this.tokenFor(user, Date.now());
    const link = `${this.config.FRONTEND_URL.replace(/\/+$/, '')}/reset/${user.uuid}/${token}`;
    await this.mailer.send('password_reset', user.email, { link }, `password_reset.${user.id}.${requestedAt.getTime()}`);
  }

  /** `GET /api/reset/<uuid>/?token=`: the user the token opens, or `invalid_token`. */
  async check(uuid: string, token: unknown): Promise<User> {
    if (token === undefined || token === '') throw required('token');
    if (typeof token !== 'string') throw invalidToken();
    const user = await this.users.findActiveByUuid(uuid);
    if (!user || !this.isValid(user, token)) throw invalidToken();
    return user;
  }

  /**
   * `POST /api/reset/<uuid>/`: sets the password, ends every session and sends the notice. The
   * write is a compare-and-set on the state the token is bound to, so of concurrent uses of one
   * token exactly one succeeds (its password is the one stored); the others get `invalid_token`.
   */
  async complete(uuid: string, token: unknown, password: unknown): Promise<User> {
    const user = await this.check(uuid, token);
    if (password === undefined) throw required('password');
    if (typeof password !== 'string') throw validationError('invalid_input', 'Not a valid string.', 'password');
    if (!password) throw validationError('blank', 'This field may not be blank.', 'password');
    assertStrongPassword(password, user);
    const written = await this.users.updateIfUnchanged(user, TOKEN_BOUND_COLUMNS, { password: await hashPassword(password), requestedPasswordResetAt: null });
    if (!written) throw invalidToken();
    await this.sessions.revokeAll(user.id);
    await this.notifier.notify(user.id, 'password_changed');
    return user;
  }

  private tokenFor(user: User, issuedAtMs: number): string {
    const ts = Math.floor(issuedAtMs / 1000).toString(36);
    return `${ts}-${this.mac(this.bound(user, ts))}`;
  }

  private bound(user: User, ts: string): string {
    return JSON.stringify([user.id, user.email, user.password ?? '', user.requestedPasswordResetAt?.getTime() ?? null, ts]);
  }

  private isValid(user: User, token: string): boolean {
    if (!user.requestedPasswordResetAt) return false;
    const match = /^([0-9a-z]{1,10})-([0-9a-f]{64})$/.exec(token);
    if (!match) return false;
    const [, ts, mac] = match as unknown as [string, string, string];
    const ageS = Date.now() / 1000 - parseInt(ts, 36);
    if (ageS < 0 || ageS > this.config.PASSWORD_RESET_TIMEOUT_S) return false;
    return sameHex(mac, this.mac(this.bound(user, ts)));
  }
}
