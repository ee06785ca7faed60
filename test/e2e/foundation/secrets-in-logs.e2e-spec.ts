import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { hashApiKeyValue } from '#libs/auth';
import { LOG_STREAM } from '#libs/logging';
import { createUser, DEFAULT_PASSWORD, login } from '../../support/fixtures.js';
import { startGithubHarness, newInstallationId, type GithubHarness } from '../github/support/github-harness.js';

/** Every line the api logs, kept in memory. */
class Capture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(chunk.toString('utf8'));
    done();
  }
  text(): string {
    return this.lines.join('');
  }
}

describe('secrets in the api and worker logs', () => {
  const capture = new Capture();
  let h: GithubHarness;
  beforeAll(async () => {
    h = await startGithubHarness({
      config: { LOG_LEVEL: 'trace' },
      customize: (b) => b.overrideProvider(LOG_STREAM).useValue(capture),
      customizeWorker: (b) => b.overrideProvider(LOG_STREAM).useValue(capture),
    });
  }, 60_000);
  afterAll(() => h?.close());

  it('holds no password, hash, key, key hash, session id, CSRF token, OAuth code or GitHub token, 500s included', async () => {
    const t = h.t;
    const secrets: string[] = [];
    const user = await createUser(t.app);
    secrets.push(DEFAULT_PASSWORD);
    const client = await login(t.app, user.email);
    secrets.push(client.sessionId, client.csrfToken);

    // A failing and a succeeding password change.
    const newPassword = 'another-Horse-battery-9';
    await client.patch('/api/users/@me/', { current_password: 'not-the-password-1', password: newPassword }).expect(400);
    secrets.push('not-the-password-1');
    await client.patch('/api/users/@me/', { current_password: DEFAULT_PASSWORD, password: newPassword }).expect(200);
    secrets.push(newPassword);
    // A failing and a succeeding re-auth and login.
    await client.post('/api/reauth', { password: 'wrong-reauth-password' }).expect(400);
    await t.http().post('/api/login').send({ email: user.email, password: 'wrong-login-password' }).expect(401);
    secrets.push('wrong-reauth-password', 'wrong-login-password');

    // Key creation from the session, and keys used in every place they can be sent.
    const created = await client.post('/api/personal_api_keys/', { label: 'logged', scopes: ['*'] }).expect(201);
    const value = created.body.value as string;
    secrets.push(value, hashApiKeyValue(value));
    await t.http().get('/api/users/@me/').set('Authorization', `Bearer ${value}`).expect(200);
    await t.http().get(`/api/users/@me/?personal_api_key=${value}`).expect(200);
    await t.http().get('/api/users/@me/?personal_api_key=phx_notarealkeyatall000000000000000000000000000').expect(401);
    secrets.push('phx_notarealkeyatall000000000000000000000000000');

    // 500s whose SQL carries an argon2 hash and a key hash (a constraint the statement breaks).
    await t.dataSource.query(`ALTER TABLE users ADD CONSTRAINT log_probe_users CHECK (first_name <> 'boom')`);
    await t.dataSource.query(`ALTER TABLE personal_api_keys ADD CONSTRAINT log_probe_keys CHECK (label <> 'boom')`);
    try {
      const third = 'third-Horse-battery-11';
      await client.patch('/api/users/@me/', { current_password: newPassword, password: third, first_name: 'boom' }).expect(500);
      secrets.push(third);
      await client.post('/api/personal_api_keys/', { label: 'boom', scopes: ['*'] }).expect(500);
    } finally {
      await t.dataSource.query('ALTER TABLE users DROP CONSTRAINT log_probe_users');
      await t.dataSource.query('ALTER TABLE personal_api_keys DROP CONSTRAINT log_probe_keys');
    }

    // A GitHub link: the OAuth code, the state and the tokens GitHub issued.
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: 'octo-org', type: 'Organization' }, repos: 2 });
    const { code } = h.gh.addUser({ login: `octo-${iid}`, installations: [iid] });
    const start = await t.http().post('/api/users/@me/integrations/github/start/').set('Authorization', `Bearer ${value}`).expect(200);
    const state = new URL(start.body.install_url).searchParams.get('state')!;
    const callbackQuery = new URLSearchParams({ installation_id: String(iid), setup_action: 'install', code, state });
    // Reached without a session, the callback sends the browser to log in first, carrying its own
    // query (code and state) in `next`: the logged response's location must not carry them.
    const detour = await t.http().get(`/api/integrations/github/callback?${callbackQuery}`).expect(302);
    expect(detour.headers.location).toContain(encodeURIComponent(`code=${code}`));
    // The callback belongs to the browser session of the user who started the flow.
    const linker = await login(t.app, user.email, newPassword);
    secrets.push(linker.sessionId, linker.csrfToken);
    const callback = await t
      .http()
      .get(`/api/integrations/github/callback?${callbackQuery}`)
      .set('Cookie', `sessionid=${linker.sessionId}`)
      .expect(302);
    expect(callback.headers.location).toContain('github_link_success');
    secrets.push(code, state);
    for (const call of h.gh.calls) if (call.auth && call.authKind !== 'app') secrets.push(call.auth);

    // Every argon2 hash the database holds now, and the stored key hashes.
    for (const row of await t.dataSource.query('SELECT password FROM users WHERE password IS NOT NULL')) secrets.push(row.password);
    for (const row of await t.dataSource.query('SELECT secure_value FROM personal_api_keys')) secrets.push(row.secure_value);

    // A refresh runs on the worker (its GitHub calls use the installation token): wait for its line.
    await t.http().post(`/api/users/@me/integrations/github/${iid}/repos/refresh/`).set('Authorization', `Bearer ${value}`).expect(200);
    const deadline = Date.now() + 10_000;
    // (nestjs-pino's root logger is per process: in-process, the worker's lines carry the api's service tag.)
    while (!capture.text().includes('"msg":"job completed"') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    const log = capture.text();
    // The capture works: the 500s and the requests were logged.
    expect(log).toContain('unhandled error');
    expect(log).toContain('/api/integrations/github/callback');
    expect(log).toContain('log_probe_users');
    expect(log).toContain('personal_api_key=%5BRedacted%5D');
    expect(log).toContain('"location":"http://frontend.test/login?next=');
    expect(log).toContain('"msg":"job completed"');
    const leaked = secrets.filter((s) => s.length >= 8 && log.includes(s));
    expect(leaked).toEqual([]);
    expect(log).not.toMatch(/\$argon2id\$/);
    expect(log).not.toMatch(/sha256\$[0-9a-f]{16}/);
    expect(log).not.toMatch(/phx_[A-Za-z0-9]{20}/);
  });
});
