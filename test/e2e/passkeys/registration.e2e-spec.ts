import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createApiKey, loggedInUser, login } from '../../support/fixtures.js';
import { SoftAuthenticator } from '../../support/soft-authenticator.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { makeSessionStale } from '../users/helpers.js';
import { credentialRows, expectPasskeyError, registerPasskey, registerUnverified } from './passkey-helpers.js';

const NO_REG_CHALLENGE = 'No registration challenge found. Please start registration again.';
const REG_FAILED = 'Registration failed: could not complete registration';

describe('passkey registration and its verify step (docs/api.md "Passkeys")', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('begin answers the creation options: rp, the user handle (uuid bytes), ES512/ES256/EdDSA, resident key and UV required', async () => {
    const { user, client } = await loggedInUser(t.app, { firstName: 'Ada', lastName: 'Lovelace' });
    const res = await client.post('/api/webauthn/register/begin/').expect(200);
    expect(res.body).toMatchObject({
      rp: { id: 'localhost', name: 'PostHog' },
      user: { id: Buffer.from(user.uuid.replace(/-/g, ''), 'hex').toString('base64url'), name: user.email, displayName: 'Ada Lovelace' },
      pubKeyCredParams: [
        { type: 'public-key', alg: -36 },
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -8 },
      ],
      timeout: 300000,
      excludeCredentials: [],
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      attestation: 'none',
    });
    expect(res.body.challenge).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  });

  it('complete stores the passkey unverified; verify and verify_complete mark it verified; begin then excludes it', async () => {
    const { client } = await loggedInUser(t.app);
    const authn = new SoftAuthenticator();
    const options = (await client.post('/api/webauthn/register/begin/').expect(200)).body;
    const done = await client.post('/api/webauthn/register/complete/', { ...authn.register(options), label: 'Laptop' }).expect(200);
    expect(done.body).toEqual({
      success: true,
      credential_id: expect.stringMatching(/^\d+$/),
      message: 'Credential stored. Please verify your passkey to complete registration.',
    });
    const id = done.body.credential_id;
    expect((await client.get('/api/webauthn/credentials/').expect(200)).body).toEqual([
      { id: Number(id), label: 'Laptop', created_at: expect.any(String), transports: ['internal'], verified: false, authenticator_type: 'platform' },
    ]);

    const request = await client.post(`/api/webauthn/credentials/${id}/verify/`).expect(200);
    expect(request.body).toEqual({
      challenge: expect.any(String),
      timeout: 300000,
      rpId: 'localhost',
      allowCredentials: [{ id: expect.any(String), type: 'public-key', transports: ['internal'] }],
      userVerification: 'required',
    });
    expect(request.body.allowCredentials[0].id).toBe(authn.credentials[0]!.id.toString('base64url'));
    const verified = await client.post(`/api/webauthn/credentials/${id}/verify_complete/`, authn.assert(request.body)).expect(200);
    expect(verified.body).toMatchObject({ id: Number(id), label: 'Laptop', verified: true, authenticator_type: 'platform' });
    expect(await credentialRows(t)).toEqual([expect.objectContaining({ verified: true, counter: 1 })]);

    const again = (await client.post('/api/webauthn/register/begin/').expect(200)).body;
    expect(again.excludeCredentials).toEqual([{ id: authn.credentials[0]!.id.toString('base64url'), type: 'public-key', transports: ['internal'] }]);
  });

  it('a label defaults to "Passkey"; a label over 200 characters is refused, storing nothing', async () => {
    const { client } = await loggedInUser(t.app);
    const authn = new SoftAuthenticator();
    await registerUnverified(client, authn);
    expect((await credentialRows(t))[0]).toMatchObject({ label: 'Passkey' });
    const options = (await client.post('/api/webauthn/register/begin/').expect(200)).body;
    const res = await client.post('/api/webauthn/register/complete/', { ...authn.register(options), label: 'x'.repeat(201) });
    expectPasskeyError(res, 400, 'invalid_input', 'Label is required and must be 200 characters or less.', 'label');
    expect(await credentialRows(t)).toHaveLength(1);
  });

  it('complete without begin, or with a challenge already used, is webauthn_no_challenge (single use)', async () => {
    const { client } = await loggedInUser(t.app);
    const authn = new SoftAuthenticator();
    const fake = authn.register({ challenge: 'bm90LWlzc3VlZA', rp: { id: 'localhost' }, user: { id: 'AAAA' } });
    expectPasskeyError(await client.post('/api/webauthn/register/complete/', fake), 400, 'webauthn_no_challenge', NO_REG_CHALLENGE);

    const options = (await client.post('/api/webauthn/register/begin/').expect(200)).body;
    const response = authn.register(options);
    await client.post('/api/webauthn/register/complete/', response).expect(200);
    expectPasskeyError(await client.post('/api/webauthn/register/complete/', response), 400, 'webauthn_no_challenge', NO_REG_CHALLENGE);
    expect(await credentialRows(t)).toHaveLength(1);
  });

  it('a challenge belongs to the session that began: another session of the same user has none', async () => {
    const { user, client } = await loggedInUser(t.app);
    const other = await login(t.app, user.email);
    const options = (await client.post('/api/webauthn/register/begin/').expect(200)).body;
    const res = await other.post('/api/webauthn/register/complete/', new SoftAuthenticator().register(options));
    expectPasskeyError(res, 400, 'webauthn_no_challenge', NO_REG_CHALLENGE);
  });

  it.each([
    ['another origin', { origin: 'http://evil.localhost:8000' }],
    ['another rp id', { rpId: 'example.com' }],
    ['no user verification', { uv: false }],
    ['another challenge', { challenge: 'c29tZXRoaW5nLWVsc2U' }],
  ])('refuses an attestation with %s (webauthn_registration_failed), storing nothing', async (_name, tamper) => {
    const { client } = await loggedInUser(t.app);
    const options = (await client.post('/api/webauthn/register/begin/').expect(200)).body;
    const res = await client.post('/api/webauthn/register/complete/', new SoftAuthenticator().register(options, tamper));
    expectPasskeyError(res, 400, 'webauthn_registration_failed', REG_FAILED);
    expect(await credentialRows(t)).toEqual([]);
  });

  it('refuses a response with missing parts as a failed registration', async () => {
    const { client } = await loggedInUser(t.app);
    await client.post('/api/webauthn/register/begin/').expect(200);
    expectPasskeyError(await client.post('/api/webauthn/register/complete/', { id: 'abc' }), 400, 'webauthn_registration_failed', REG_FAILED);
  });

  describe('verify', () => {
    it("another user's credential is 404; an already verified one is already_verified", async () => {
      const { client } = await loggedInUser(t.app);
      const { client: other } = await loggedInUser(t.app);
      const { body } = await registerPasskey(client);
      expectPasskeyError(await other.post(`/api/webauthn/credentials/${body.id}/verify/`), 404, 'not_found', 'Credential not found.');
      expectPasskeyError(await other.post('/api/webauthn/credentials/not-a-number/verify/'), 404, 'not_found', 'Credential not found.');
      expectPasskeyError(await client.post(`/api/webauthn/credentials/${body.id}/verify/`), 400, 'already_verified', 'Credential is already verified.');
    });

    it('verify_complete: no pending verification, another id, an invalid assertion; each leaves the passkey unverified', async () => {
      const { client } = await loggedInUser(t.app);
      const authn = new SoftAuthenticator();
      const id = await registerUnverified(client, authn);
      const second = await registerUnverified(client, authn);

      const stray = authn.assert({ challenge: 'eA', rpId: 'localhost' }, authn.credentials[0]);
      expectPasskeyError(
        await client.post(`/api/webauthn/credentials/${id}/verify_complete/`, stray),
        400,
        'webauthn_no_challenge',
        'No pending verification. Please start verification again.',
      );

      let options = (await client.post(`/api/webauthn/credentials/${id}/verify/`).expect(200)).body;
      expectPasskeyError(
        await client.post(`/api/webauthn/credentials/${second}/verify_complete/`, authn.assert(options)),
        400,
        'credential_mismatch',
        'Credential ID mismatch.',
      );

      options = (await client.post(`/api/webauthn/credentials/${id}/verify/`).expect(200)).body;
      // Signed by the other credential the authenticator holds: not the pending one.
      expectPasskeyError(
        await client.post(`/api/webauthn/credentials/${id}/verify_complete/`, authn.assert(options, authn.credentials[1])),
        400,
        'webauthn_verification_failed',
        'Verification failed: could not complete verification',
      );

      options = (await client.post(`/api/webauthn/credentials/${id}/verify/`).expect(200)).body;
      expectPasskeyError(
        await client.post(`/api/webauthn/credentials/${id}/verify_complete/`, authn.assert(options, undefined, { uv: false })),
        400,
        'webauthn_verification_failed',
        'Verification failed: could not complete verification',
      );
      expect((await credentialRows(t)).map((r: { verified: boolean }) => r.verified)).toEqual([false, false]);
    });

    it('verify_complete for a passkey deleted meanwhile is credential_not_pending', async () => {
      const { client } = await loggedInUser(t.app);
      const authn = new SoftAuthenticator();
      const id = await registerUnverified(client, authn);
      const options = (await client.post(`/api/webauthn/credentials/${id}/verify/`).expect(200)).body;
      await t.dataSource.query('DELETE FROM webauthn_credentials');
      expectPasskeyError(
        await client.post(`/api/webauthn/credentials/${id}/verify_complete/`, authn.assert(options)),
        400,
        'credential_not_pending',
        'Credential not found or already verified.',
      );
    });
  });

  describe('who may call', () => {
    it('refuses API keys (session only), anonymous callers and writes without the CSRF header', async () => {
      const { user, client } = await loggedInUser(t.app);
      const key = await createApiKey(t.app, user, ['*']);
      for (const [method, path] of [
        ['post', '/api/webauthn/register/begin/'],
        ['post', '/api/webauthn/register/complete/'],
        ['get', '/api/webauthn/credentials/'],
        ['post', '/api/webauthn/credentials/1/verify/'],
        ['post', '/api/webauthn/credentials/1/verify_complete/'],
        ['patch', '/api/webauthn/credentials/1/'],
        ['delete', '/api/webauthn/credentials/1/'],
      ] as const) {
        const viaKey = await t.http()[method](path).set('Authorization', `Bearer ${key}`).send({});
        expectPasskeyError(viaKey, 401, 'authentication_failed', 'This action requires a browser session.');
        expect((await t.http()[method](path).send({})).status).toBe(401);
      }
      const noCsrf = await t.http().post('/api/webauthn/register/begin/').set('Cookie', `sessionid=${client.sessionId}`).send({});
      expectPasskeyError(noCsrf, 403, 'permission_denied', 'CSRF Failed: CSRF token missing.');
    });

    it('register begin, complete and verify need the re-auth window; listing does not', async () => {
      const { client } = await loggedInUser(t.app);
      const authn = new SoftAuthenticator();
      const id = await registerUnverified(client, authn);
      const options = (await client.post('/api/webauthn/register/begin/').expect(200)).body;
      await makeSessionStale(t, client);
      const REAUTH = 'This action requires you to be recently authenticated.';
      expectPasskeyError(await client.post('/api/webauthn/register/begin/'), 403, 'sensitive_action_required_reauth', REAUTH);
      expectPasskeyError(await client.post('/api/webauthn/register/complete/', authn.register(options)), 403, 'sensitive_action_required_reauth', REAUTH);
      expectPasskeyError(await client.post(`/api/webauthn/credentials/${id}/verify/`), 403, 'sensitive_action_required_reauth', REAUTH);
      await client.get('/api/webauthn/credentials/').expect(200);
      expect(await credentialRows(t)).toHaveLength(1);
    });
  });
});
