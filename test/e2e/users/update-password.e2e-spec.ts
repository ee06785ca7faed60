import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SessionsService } from '#libs/auth';
import { verifyPassword } from '#libs/users';
import { createUser, DEFAULT_PASSWORD, login, loggedInUser, SessionClient } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { expectError, snapshot, storedUser, validation } from './helpers.js';

const NEW_PASSWORD = 'a_new_password';

describe('PATCH /api/users/@me/: password', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('changes the password, keeps this session and ends the others', async () => {
    const { user, client } = await loggedInUser(t.app);
    const other = await login(t.app, user.email);
    const res = await client.patch('/api/users/@me/', { current_password: DEFAULT_PASSWORD, password: NEW_PASSWORD }).expect(200);
    expect(res.body).not.toHaveProperty('password');
    expect(res.body).not.toHaveProperty('current_password');
    expect(res.body.has_password).toBe(true);
    const stored = (await storedUser(t, user.id))!.password!;
    expect(stored.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(stored, NEW_PASSWORD)).toBe(true);
    await client.get('/api/users/@me/').expect(200);
    expect((await other.get('/api/users/@me/')).status).toBe(401);
    await login(t.app, user.email, NEW_PASSWORD);
    await t.http().post('/api/login').send({ email: user.email, password: DEFAULT_PASSWORD }).expect(401);
  });

  it('lets a user without a password set one without current_password', async () => {
    const user = await createUser(t.app, { password: null });
    // No password means no login: open a session directly.
    const session = await t.app.get(SessionsService).create(user.id);
    const client = new SessionClient(t.app, session.id, session.csrfToken);
    expect((await client.get('/api/users/@me/').expect(200)).body.has_password).toBe(false);
    expect((await client.patch('/api/users/@me/', { password: NEW_PASSWORD }).expect(200)).body.has_password).toBe(true);
    await client.get('/api/users/@me/').expect(200);
    await login(t.app, user.email, NEW_PASSWORD);
  });

  async function refused(body: object, code: string, detail: string, attr: string): Promise<void> {
    const { user, client } = await loggedInUser(t.app, { email: 'alice.smith@example.com', firstName: 'Alice', lastName: 'Wonderland' });
    const before = await snapshot(t, user.id);
    expectError(await client.patch('/api/users/@me/', body), 400, validation(code, detail, attr));
    expect(await snapshot(t, user.id)).toEqual(before);
    await client.get('/api/users/@me/').expect(200);
  }

  it('needs current_password when a password is set', () =>
    refused({ password: '12345678' }, 'required', 'This field is required when updating your password.', 'current_password'));

  it('refuses a wrong current_password', () =>
    refused({ current_password: 'wrong', password: '12345678' }, 'incorrect_password', 'Your current password is incorrect.', 'current_password'));

  it.each([
    ['123', 'This password is too short. It must contain at least 8 characters.'],
    ['83749201', 'This password is entirely numeric.'],
    ['password123', 'This password is too common.'],
    ['iloveyou', 'This password is too common.'],
    ['alice.smith@example.com', 'The password is too similar to the email address.'],
    ['alicesmith', 'The password is too similar to the email address.'],
    ['wonderland!', 'The password is too similar to the last name.'],
    ['abcdefgh', 'This password is too weak: Common character sequences like "abc" are easy to guess.'],
  ])('refuses the weak password %j', (password, detail) =>
    refused({ current_password: DEFAULT_PASSWORD, password }, 'invalid_input', detail, 'password'));

  it.each([
    ['', 'blank', 'This field may not be blank.'],
    [12345678, 'invalid_input', 'Not a valid string.'],
    [null, 'null', 'This field may not be null.'],
  ])('refuses the password %j', (password, code, detail) =>
    refused({ current_password: DEFAULT_PASSWORD, password }, code, detail, 'password'));

  it('throttles password attempts to 5 a minute per user, GETs and other PATCHes not counting', async () => {
    const { user, client } = await loggedInUser(t.app);
    for (let i = 0; i < 6; i++) await client.get('/api/users/@me/').expect(200);
    for (let i = 0; i < 10; i++) await client.patch('/api/users/@me/', { organization_name: 'new name' }).expect(200);
    for (let i = 0; i < 5; i++) {
      expect((await client.patch('/api/users/@me/', { current_password: 'wrong', password: '12345678' })).status).toBe(400);
    }
    const before = await snapshot(t, user.id);
    // Even the right password is refused now.
    const res = await client.patch('/api/users/@me/', { current_password: DEFAULT_PASSWORD, password: NEW_PASSWORD });
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ type: 'throttled_error', code: 'throttled', attr: null });
    expect(res.body.detail).toMatch(/^Request was throttled\. Expected available in \d+ seconds?\.$/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(await snapshot(t, user.id)).toEqual(before);
    await client.get('/api/users/@me/').expect(200);
  });
});
