import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_PASSWORD, loggedInUser } from '../../support/fixtures.js';
import { registerPasskey } from '../passkeys/passkey-helpers.js';
import { startMailHarness, type MailHarness } from './support/mail-harness.js';

const PASSWORD_CHANGED = 'Your password has been changed';
const TWO_FACTOR_ENABLED = "You've enabled 2FA protection";

/** Each account change sends its own security notice (docs/api.md, E-mail). */
describe('account notices', () => {
  let h: MailHarness;
  beforeAll(async () => {
    // Passkey ceremonies come from the relying party's origin (FRONTEND_URL).
    h = await startMailHarness({ FRONTEND_URL: 'http://localhost:8000' });
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  const subjects = (email: string) => h.sink.to(email).map((m) => m.subject);

  it('turning passkey 2FA on sends "2FA enabled", not "password changed"; turning it off again sends nothing', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    await registerPasskey(client);
    await client.patch('/api/users/@me/', { passkeys_enabled_for_2fa: true }).expect(200);
    await h.sink.waitFor(user.email, TWO_FACTOR_ENABLED);
    await client.patch('/api/users/@me/', { passkeys_enabled_for_2fa: false }).expect(200);
    await h.drain();
    expect(subjects(user.email)).toEqual([TWO_FACTOR_ENABLED]);
  });

  it('a password change sends "password changed" only', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    await client.patch('/api/users/@me/', { current_password: DEFAULT_PASSWORD, password: 'a-new-passphrase-77' }).expect(200);
    await h.sink.waitFor(user.email, PASSWORD_CHANGED);
    await h.drain();
    expect(subjects(user.email)).toEqual([PASSWORD_CHANGED]);
  });
});
