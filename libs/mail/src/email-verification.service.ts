import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomInt } from 'node:crypto';
import { SessionsService, ThrottlesService } from '#libs/auth';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { isUuid, validationError } from '#libs/core';
import { REDIS, type RedisClient } from '#libs/redis';
import { UsersService, type User } from '#libs/users';
import { hmacKey, sameHex, sha256 } from './hashing.js';
import { Mailer } from './mailer.js';

/** Deletes KEYS[1] only while it still holds ARGV[1]; 1 when deleted. */
const DELETE_IF_UNCHANGED = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/** The user's one live code: only its HMAC, the address it verifies (null: the account's own) and when it was issued. */
interface StoredCode {
  mac: string;
  target: string | null;
  issuedAt: number;
  id: string;
}

// One hash tag per user: the code and its attempt counter change together in one transaction.
const codeKey = (userId: number) => `email-code:{u${userId}}`;
const attemptsKey = (userId: number) => `email-code-attempts:{u${userId}}`;

const invalidCode = () => validationError('invalid_code', 'This code is invalid or has expired.', 'code');
const required = (attr: string) => validationError('required', 'This field is required.', attr);

/** Characters a code may carry from a copy-paste: whitespace, zero-width and soft hyphens, grouping hyphens. */
const CODE_NOISE = /[\s\u00ad\u200b-\u200f\u2060\ufeff\-\u2010-\u2015\u2212]/gu;

/** The code with paste noise removed and compatibility digits folded to ASCII, or null when it is not 6 digits. */
export function normalizeCode(raw: string): string | null {
  const code = raw.normalize('NFKC').replace(CODE_NOISE, '');
  return /^[0-9]{6}$/.test(code) ? code : null;
}

/** What a successful `verify_email` did. */
export interface VerifiedEmail {
  user: User;
}

/**
 * E-mailed 6-digit codes: e-mail verification and the staged e-mail change (docs/api.md, E-mail
 * verification). Codes are random, stored only as an HMAC in Redis with their target and issue
 * time, single use, one live code per user.
 */
@Injectable()
export class EmailVerificationService {
  private readonly mac: (message: string) => string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly throttles: ThrottlesService,
    private readonly mailer: Mailer,
  ) {
    this.mac = hmacKey(config.SECRET_KEY, 'email-code');
  }

  get available(): boolean {
    return this.mailer.available;
  }

  /** Issues a new code for `target` (null: the account address), replacing any older one, and mails it. */
  async issueCode(user: User, target: string | null): Promise<void> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const id = randomBytes(12).toString('hex');
    const stored: StoredCode = { mac: this.mac(`${user.id}|${id}|${code}`), target, issuedAt: Date.now(), id };
    await this.redis.multi().set(codeKey(user.id), JSON.stringify(stored), 'EX', this.config.EMAIL_CODE_TTL_S).del(attemptsKey(user.id)).exec();
    const minutes = String(Math.max(1, Math.round(this.config.EMAIL_CODE_TTL_S / 60)));
    await this.mailer.send('email_code', target ?? user.email, { code, minutes }, `email_code.${user.id}.${id}`);
  }

  /** Forgets the user's code and its attempt counter. */
  async discardCode(userId: number): Promise<void> {
    await this.redis.del(codeKey(userId), attemptsKey(userId));
  }

  /** Login gate: an unverified account gets a fresh code instead of a session (when e-mail is available). */
  async admitLogin(user: User): Promise<void> {
    if (!this.available || user.isEmailVerified !== false) return;
    await this.issueCode(user, user.pendingEmail);
    throw validationError('not_verified', 'Your account is awaiting verification. Please check your email for a verification code.', null);
  }

  /** Stages an e-mail change: the address waits in `pending_email` until its code comes back. */
  async stageEmailChange(user: User, email: string): Promise<User> {
    const updated = await this.users.update(user, { pendingEmail: email });
    await this.issueCode(updated, email);
    return updated;
  }

  /** `POST /api/users/request_email_verification/`. */
  async requestVerification(uuid: unknown, ip: string): Promise<void> {
    await this.throttles.consume('emailVerificationRequest', typeof uuid === 'string' && uuid ? `uuid:${sha256(uuid)}` : `ip:${sha256(ip)}`);
    if (uuid === undefined || uuid === null || uuid === '') throw required('uuid');
    if (!this.available) {
      throw validationError('email_not_available', 'Cannot verify email address because email is not configured for your instance. Please contact your administrator.', null);
    }
    const user = typeof uuid === 'string' && isUuid(uuid) ? await this.users.findActiveByUuid(uuid) : null;
    // Unknown, or verified with nothing pending: the same quiet answer, nothing sent.
    if (!user || (user.isEmailVerified !== false && !user.pendingEmail)) return;
    await this.issueCode(user, user.pendingEmail);
  }

  /** `POST /api/users/verify_email/`: checks the code and applies what it confirms. */
  async verify(uuid: unknown, rawCode: unknown, ip: string): Promise<VerifiedEmail> {
    await this.throttles.consume('verifyEmailPerIp', sha256(ip));
    if (typeof uuid === 'string' && uuid) await this.throttles.consume('verifyEmailPerUuid', sha256(uuid));
    if (uuid === undefined || uuid === null || uuid === '') throw required('uuid');
    if (rawCode === undefined || rawCode === null || rawCode === '') throw required('code');
    const code = typeof rawCode === 'string' ? normalizeCode(rawCode) : null;
    if (!code) throw validationError('invalid_input', 'Enter the 6-digit code from your email.', 'code');
    const user = typeof uuid === 'string' ? await this.users.findActiveByUuid(uuid) : null;
    if (!user || (user.isEmailVerified !== false && !user.pendingEmail)) throw invalidCode();

    // Each attempt takes its place in the counter before the code is compared (INCR is atomic), so
    // parallel guesses cannot all read a count under the limit: at most EMAIL_CODE_MAX_ATTEMPTS codes
    // are ever compared per issued code. The counter lives EMAIL_CODE_TTL_S from the last attempt.
    const [[, attempts]] = (await this.redis.multi().incr(attemptsKey(user.id)).expire(attemptsKey(user.id), this.config.EMAIL_CODE_TTL_S).exec()) as [[Error | null, number], unknown];
    if (attempts > this.config.EMAIL_CODE_MAX_ATTEMPTS) {
      throw validationError('too_many_attempts', 'Too many incorrect attempts. Try again later.', 'code');
    }
    const raw = await this.redis.get(codeKey(user.id));
    const stored = raw ? (JSON.parse(raw) as StoredCode) : null;
    const live =
      stored !== null &&
      Date.now() - stored.issuedAt <= this.config.EMAIL_CODE_TTL_S * 1000 &&
      stored.target === (user.pendingEmail ?? null) &&
      sameHex(stored.mac, this.mac(`${user.id}|${stored.id}|${code}`));
    if (!live || raw === null) throw invalidCode();
    // Single use: the code is deleted only if it is still the one just compared (a compare-and-delete
    // in one script), so of two requests racing with it one wins, and a newer code is never taken.
    if ((await this.redis.eval(DELETE_IF_UNCHANGED, 1, codeKey(user.id), raw)) !== 1) throw invalidCode();
    await this.redis.del(attemptsKey(user.id));

    const changes: Partial<User> = { isEmailVerified: true };
    if (user.pendingEmail && user.isEmailVerified !== false) {
      const newEmail = user.pendingEmail;
      const oldEmail = user.email;
      if (await this.users.isEmailTaken(newEmail, user.id)) {
        throw validationError('email_taken', 'Another account now uses this email address. Start the change again with a different address.', 'email');
      }
      Object.assign(changes, { email: newEmail, pendingEmail: null });
      await this.users.applyUpdate(user, changes);
      await this.sessions.revokeAll(user.id);
      const key = `email_changed.${user.id}.${stored.id}`;
      await this.mailer.send('email_changed_old', oldEmail, { old_email: oldEmail, new_email: newEmail }, key);
      await this.mailer.send('email_changed_new', newEmail, { old_email: oldEmail, new_email: newEmail }, key);
      return { user };
    }
    await this.users.applyUpdate(user, changes);
    return { user };
  }

  /** `PATCH /api/users/cancel_email_change_request/`. */
  async cancelEmailChange(user: User): Promise<User> {
    if (!user.pendingEmail) throw validationError('email_change_request_not_found', 'No active email change requests found.', null);
    const updated = await this.users.update(user, { pendingEmail: null });
    await this.discardCode(user.id);
    return updated;
  }
}
