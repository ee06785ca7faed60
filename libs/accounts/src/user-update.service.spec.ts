import { describe, expect, it } from '@jest/globals';
import type { AuthContext, PasskeysService, SessionsService } from '#libs/auth';
import type { AppConfig } from '#libs/config';
import { DomainError } from '#libs/core';
import type { EmailVerificationService } from '#libs/mail';
import type { OrganizationsService } from '#libs/organizations';
import { hashPassword, type AccountNotice, type AccountNotifier, type User, type UsersService } from '#libs/users';
import { UserUpdateService } from './user-update.service.js';

const PASSWORD = 'correct-Horse-battery-7';

/** The use case with in-memory collaborators: what it wrote, revoked and sent is recorded. */
async function setUp(overrides: Partial<User> = {}, verifiedPasskeys = 0, mail = false) {
  const target = {
    id: 7,
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    isStaff: false,
    password: await hashPassword(PASSWORD),
    passkeysEnabledFor2fa: false,
    ...overrides,
  } as User;
  const record = { writes: [] as Partial<User>[], revoked: [] as (string | null)[], notices: [] as AccountNotice[], staged: [] as string[] };
  const users = {
    isEmailTaken: async (email: string) => email === 'taken@example.com',
    applyUpdate: async (user: User, changes: Partial<User>) => {
      record.writes.push(changes);
      return { ...user, ...changes } as User;
    },
  } as unknown as UsersService;
  const sessions = { revokeOthers: async (_userId: number, keep: string | null) => void record.revoked.push(keep) } as unknown as SessionsService;
  const passkeys = { countVerified: async () => verifiedPasskeys } as unknown as PasskeysService;
  const notifier = { notify: async (_userId: number, notice: AccountNotice) => void record.notices.push(notice) } as unknown as AccountNotifier;
  const verification = {
    available: mail,
    stageEmailChange: async (user: User, email: string) => {
      record.staged.push(email);
      return { ...user, pendingEmail: email } as User;
    },
  } as unknown as EmailVerificationService;
  const config = { SENSITIVE_ACTION_MAX_AGE_S: 3600, SESSION_FRESH_REAUTH_AGE_S: 300 } as AppConfig;
  const service = new UserUpdateService(config, users, {} as OrganizationsService, passkeys, sessions, notifier, verification);
  const session = (ageS = 0): AuthContext => ({
    via: 'session',
    user: target,
    session: { id: 's1', userId: target.id, createdAt: Date.now() - ageS * 1000, reauthAt: Date.now() - ageS * 1000, csrfToken: 't' },
  });
  const apiKey = { via: 'api_key', user: target, apiKey: {} } as AuthContext;
  return { service, target, record, session, apiKey };
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { kind: error.kind, code: error.code, attr: error.attr };
  }
  throw new Error('accepted');
}

describe('UserUpdateService', () => {
  it('refuses an address change by API key before it looks at the value', async () => {
    const { service, target, apiKey, record } = await setUp();
    expect(await refusal(service.update(apiKey, target, { email: 'not an address' }))).toEqual({ kind: 'permission_denied', code: 'permission_denied', attr: null });
    expect(record.writes).toEqual([]);
  });

  it('refuses a stale session before any field error', async () => {
    const { service, target, session } = await setUp();
    expect(await refusal(service.update(session(7200), target, { first_name: '<b>' }))).toMatchObject({ code: 'sensitive_action_required_reauth' });
  });

  it('refuses is_staff from a non-staff caller before its value is read', async () => {
    const { service, target, session } = await setUp();
    expect(await refusal(service.update(session(), target, { is_staff: 'maybe', first_name: '<b>' }))).toMatchObject({ code: 'permission_denied' });
  });

  it('checks the body before the database: a bad field is a 400 and nothing is written', async () => {
    const { service, target, session, record } = await setUp();
    expect(await refusal(service.update(session(), target, { email: 'taken@example.com', theme_mode: 'pink' }))).toEqual({ kind: 'validation', code: 'invalid_choice', attr: 'theme_mode' });
    expect(await refusal(service.update(session(), target, { email: 'Taken@Example.com' }))).toEqual({ kind: 'validation', code: 'unique', attr: 'email' });
    expect(record.writes).toEqual([]);
  });

  it('writes the parsed values under their column names, a case-only address change being none', async () => {
    const { service, target, session, record } = await setUp();
    await service.update(session(), target, { first_name: ' Grace ', email: 'ADA@example.com', theme_mode: null, unknown: 1 });
    expect(record.writes).toEqual([{ firstName: 'Grace', themeMode: null }]);
  });

  it('stages a new address when e-mail is available, writing only the other fields', async () => {
    const { service, target, session, record } = await setUp({}, 0, true);
    const updated = await service.update(session(), target, { email: 'New@Example.com', first_name: 'Grace' });
    expect(record.writes).toEqual([{ firstName: 'Grace' }]);
    expect(record.staged).toEqual(['new@example.com']);
    expect(updated.pendingEmail).toBe('new@example.com');
  });

  it('needs a fresh re-auth to change the address, before any field error', async () => {
    const { service, target, session, record } = await setUp();
    expect(await refusal(service.update(session(600), target, { email: 'not an address' }))).toMatchObject({ code: 'sensitive_action_required_reauth' });
    expect(record.writes).toEqual([]);
  });

  it('sends "password changed" for a new password only, and keeps the calling session', async () => {
    const { service, target, session, record } = await setUp();
    await service.update(session(), target, { current_password: PASSWORD, password: 'a-new-passphrase-77' });
    expect(record.notices).toEqual(['password_changed']);
    expect(record.revoked).toEqual(['s1']);
  });

  it('sends "two factor enabled" for passkey 2FA turned on, never "password changed"', async () => {
    const { service, target, session, record } = await setUp({}, 1);
    await service.update(session(), target, { passkeys_enabled_for_2fa: true });
    expect(record.notices).toEqual(['two_factor_enabled']);
    expect(record.revoked).toEqual(['s1']);
  });

  it('refuses passkey 2FA without a verified passkey', async () => {
    const { service, target, session, record } = await setUp({}, 0);
    expect(await refusal(service.update(session(), target, { passkeys_enabled_for_2fa: true }))).toMatchObject({ code: 'no_passkeys' });
    expect(record.notices).toEqual([]);
  });

  it('needs the current password, and a strong new one', async () => {
    const { service, target, session } = await setUp();
    expect(await refusal(service.update(session(), target, { password: 'whatever-long-1' }))).toMatchObject({ code: 'required', attr: 'current_password' });
    expect(await refusal(service.update(session(), target, { password: 'whatever-long-1', current_password: 'wrong' }))).toMatchObject({ code: 'incorrect_password' });
    expect(await refusal(service.update(session(), target, { password: 'lovelace', current_password: PASSWORD }))).toMatchObject({ code: 'invalid_input', attr: 'password' });
  });
});
