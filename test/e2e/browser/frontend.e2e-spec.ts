import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { callApi, startBrowserSite, type BrowserSite } from '../../support/browser.js';
import { createUser, DEFAULT_PASSWORD, loggedInUser } from '../../support/fixtures.js';
import { totpCode } from '../../support/totp.js';

describe('a web frontend on another origin of the same site, in Chromium', () => {
  let site: BrowserSite;
  beforeAll(async () => {
    site = await startBrowserSite();
  }, 60_000);
  afterAll(() => site?.close());

  it('logs in, reads its CSRF token, PATCHes, creates and deletes a key, logs out, and is refused after', async () => {
    const { page } = site;
    const user = await createUser(site.t.app, { firstName: 'Ada' });
    const login = await callApi(page, 'POST', '/api/login', { body: { email: user.email, password: DEFAULT_PASSWORD } });
    expect(login.status).toBe(200);
    // The session cookie was stored for the API's host, HttpOnly and Lax, and flows on the next calls.
    const cookies = await site.context.cookies(site.apiOrigin);
    expect(cookies.find((c) => c.name === 'sessionid')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    // The page (another origin) cannot read the API's cookies.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');

    const me = await callApi(page, 'GET', '/api/users/@me/');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ uuid: user.uuid, first_name: 'Ada' });

    // Without the token a write is refused; GET /api/csrf/ gives it.
    expect((await callApi(page, 'PATCH', '/api/users/@me/', { body: { first_name: 'Bob' } })).status).toBe(403);
    const csrf = await callApi(page, 'GET', '/api/csrf/');
    expect(csrf.status).toBe(200);
    const token = (csrf.body as { csrftoken: string }).csrftoken;
    const headers = { 'X-CSRFToken': token };

    const patched = await callApi(page, 'PATCH', '/api/users/@me/', { body: { first_name: 'Grace' }, headers });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ first_name: 'Grace' });

    const created = await callApi(page, 'POST', '/api/personal_api_keys/', { body: { label: 'from the browser', scopes: ['user:read'] }, headers });
    expect(created.status).toBe(201);
    const key = created.body as { id: string; value: string };
    const deleted = await callApi(page, 'DELETE', `/api/personal_api_keys/${key.id}/`, { headers });
    expect(deleted.status).toBe(204);
    expect((await site.t.dataSource.query('SELECT count(*)::int AS n FROM personal_api_keys'))[0].n).toBe(0);

    expect((await callApi(page, 'GET', '/api/users/@me/')).body).toMatchObject({ first_name: 'Grace' });
    expect((await callApi(page, 'POST', '/api/logout', { headers })).status).toBe(204);
    const after = await callApi(page, 'GET', '/api/users/@me/');
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ code: 'not_authenticated' });
  });

  it('logs in with a TOTP code as the second step, and keeps the remember-device cookie Strict', async () => {
    const { page } = site;
    // TOTP set up beforehand, from another client.
    const { user, client } = await loggedInUser(site.t.app);
    const secret = (await client.get('/api/users/@me/two_factor_start_setup/').expect(200)).body.secret as string;
    await client.post('/api/users/@me/two_factor_validate/', { token: totpCode(secret) }).expect(200);

    const first = await callApi(page, 'POST', '/api/login', { body: { email: user.email, password: DEFAULT_PASSWORD } });
    expect(first).toMatchObject({ status: 401, body: { code: '2fa_required' } });
    expect((await callApi(page, 'GET', '/api/users/@me/')).status).toBe(401);
    // The code of the next step: the enabling code's step is used up.
    const second = await callApi(page, 'POST', '/api/login/token', { body: { token: totpCode(secret, Date.now(), 1) } });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ uuid: user.uuid, is_2fa_enabled: true });
    expect((await callApi(page, 'GET', '/api/users/@me/')).body).toMatchObject({ uuid: user.uuid });
    const remember = (await site.context.cookies(site.apiOrigin)).find((c) => c.name.startsWith('remember-cookie_'));
    expect(remember).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });
});
