import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { callApi, startBrowserSite, type BrowserSite } from '../../support/browser.js';
import { createUser, DEFAULT_PASSWORD } from '../../support/fixtures.js';

describe('a web frontend on another origin of the same site, in Chromium', () => {
  let site: BrowserSite;
  beforeAll(async () => {
    site = await startBrowserSite();
  }, 60_000);
  afterAll(() => site?.close());

  it('logs in with credentials: include and reads @me with the session cookie', async () => {
    const user = await createUser(site.t.app, { firstName: 'Ada' });
    const login = await callApi(site.page, 'POST', '/api/login', { body: { email: user.email, password: DEFAULT_PASSWORD } });
    expect(login.status).toBe(200);
    const me = await callApi(site.page, 'GET', '/api/users/@me/');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ uuid: user.uuid, first_name: 'Ada' });
  });
});
