import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { EmailVerificationService } from '#libs/mail';
import { UsersService } from '#libs/users';
import { createUser } from '../../support/fixtures.js';
import { codeIn, startMailHarness, type MailHarness } from './support/mail-harness.js';

const CODE = 'Verify your email address';
/** 'ok', or the domain error's code. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (error: { code?: string }) => error.code ?? String(error),
  );

/**
 * E-mailed codes are credentials: their checks and their use must hold under concurrent requests.
 * Driven through the use case, for exact control of concurrency (the route is tested in verify-email.e2e-spec.ts).
 */
describe('e-mailed codes under concurrency (docs/api.md, E-mail verification)', () => {
  let h: MailHarness;
  let codes: EmailVerificationService;
  beforeAll(async () => {
    h = await startMailHarness({ EMAIL_CODE_MAX_ATTEMPTS: 2 });
    codes = h.t.app.get(EmailVerificationService);
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  async function unverifiedWithCode() {
    const user = await createUser(h.t.app, { isEmailVerified: false });
    await codes.issueCode(user, null);
    const [mail] = await h.sink.waitFor(user.email, CODE);
    return { user, code: codeIn(mail!.html) };
  }

  it('compares at most EMAIL_CODE_MAX_ATTEMPTS codes, however many arrive at once', async () => {
    const { user, code } = await unverifiedWithCode();
    const wrong = code === '000000' ? '111111' : '000000';
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => outcome(codes.verify(user.uuid, wrong, `192.0.2.${i}`))));
    expect(answers.sort()).toEqual(['invalid_code', 'invalid_code', 'too_many_attempts', 'too_many_attempts', 'too_many_attempts']);
    // The right code is refused too now, and nothing changed.
    expect(await outcome(codes.verify(user.uuid, code, '192.0.2.9'))).toBe('too_many_attempts');
    expect((await h.t.app.get(UsersService).findActiveById(user.id))!.isEmailVerified).toBe(false);
  });

  it('lets one of several parallel uses of one code through', async () => {
    const { user, code } = await unverifiedWithCode();
    const answers = await Promise.all(Array.from({ length: 2 }, (_, i) => outcome(codes.verify(user.uuid, code, `198.51.100.${i}`))));
    expect(answers.sort()).toEqual(['invalid_code', 'ok']);
    expect((await h.t.app.get(UsersService).findActiveById(user.id))!.isEmailVerified).toBe(true);
  });
});
