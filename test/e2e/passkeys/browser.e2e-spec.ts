import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { callApi, startBrowserSite, type BrowserSite, type PageResponse } from '../../support/browser.js';
import { createUser, DEFAULT_PASSWORD } from '../../support/fixtures.js';

// @simplewebauthn/browser's own bundle, served by the frontend origin as a real frontend would.
// (Its `exports` hide package.json: the package root is two levels above the resolved entry.)
const browserPackage = dirname(dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')));
const BUNDLE = readFileSync(join(browserPackage, 'dist/bundle/index.umd.min.js'), 'utf8');

type Lib = {
  startRegistration: (o: { optionsJSON: unknown }) => Promise<unknown>;
  startAuthentication: (o: { optionsJSON: unknown }) => Promise<unknown>;
};
type PageGlobals = { SimpleWebAuthnBrowser: Lib; api: (m: string, p: string, o?: object) => Promise<PageResponse> };

describe('passkeys in Chromium with its virtual authenticator and @simplewebauthn/browser', () => {
  let site: BrowserSite;
  beforeAll(async () => {
    site = await startBrowserSite({
      // The relying party is the frontend: rp id app.site.localhost, origin http://app.site.localhost:<port>.
      testApp: (appOrigin) => ({ config: { FRONTEND_URL: appOrigin } }),
      head: '<script src="/webauthn.js"></script>',
      files: { '/webauthn.js': { contentType: 'text/javascript', body: BUNDLE } },
    });
    const cdp = await site.context.newCDPSession(site.page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
  }, 60_000);
  afterAll(() => site?.close());

  it('registers a passkey, verifies it, logs out and logs back in with it (no e-mail typed)', async () => {
    const { page } = site;
    const user = await createUser(site.t.app, { firstName: 'Ada' });
    expect((await callApi(page, 'POST', '/api/login', { body: { email: user.email, password: DEFAULT_PASSWORD } })).status).toBe(200);

    const result = await page.evaluate(async () => {
      const g = globalThis as unknown as PageGlobals;
      const csrf = async () => ({ 'X-CSRFToken': ((await g.api('GET', '/api/csrf/')).body as { csrftoken: string }).csrftoken });
      let headers = await csrf();
      const begin = await g.api('POST', '/api/webauthn/register/begin/', { headers });
      const attestation = (await g.SimpleWebAuthnBrowser.startRegistration({ optionsJSON: begin.body })) as object;
      const stored = await g.api('POST', '/api/webauthn/register/complete/', { body: { ...attestation, label: 'Chromium' }, headers });
      const id = (stored.body as { credential_id: string }).credential_id;
      const verify = await g.api('POST', `/api/webauthn/credentials/${id}/verify/`, { headers });
      const assertion = await g.SimpleWebAuthnBrowser.startAuthentication({ optionsJSON: verify.body });
      const verified = await g.api('POST', `/api/webauthn/credentials/${id}/verify_complete/`, { body: assertion, headers });
      const logout = await g.api('POST', '/api/logout', { headers });
      const afterLogout = await g.api('GET', '/api/users/@me/');

      const loginBegin = await g.api('POST', '/api/webauthn/login/begin/', { body: {} });
      const loginAssertion = await g.SimpleWebAuthnBrowser.startAuthentication({ optionsJSON: loginBegin.body });
      const login = await g.api('POST', '/api/webauthn/login/complete/', { body: loginAssertion });
      const me = await g.api('GET', '/api/users/@me/');
      headers = await csrf();
      const list = await g.api('GET', '/api/webauthn/credentials/', { headers });
      return { begin: begin.status, stored, verified, logout: logout.status, afterLogout: afterLogout.status, login, me, list };
    });

    expect(result.begin).toBe(200);
    expect(result.stored).toMatchObject({ status: 200, body: { success: true } });
    expect(result.verified).toMatchObject({ status: 200, body: { label: 'Chromium', verified: true } });
    expect(result.logout).toBe(204);
    expect(result.afterLogout).toBe(401);
    expect(result.login).toMatchObject({ status: 200, body: { uuid: user.uuid, first_name: 'Ada' } });
    expect(result.me).toMatchObject({ status: 200, body: { uuid: user.uuid } });
    expect(result.list).toMatchObject({ status: 200, body: [{ label: 'Chromium', verified: true }] });
    const cookies = await site.context.cookies(site.apiOrigin);
    expect(cookies.find((c) => c.name === 'sessionid')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  }, 60_000);
});
