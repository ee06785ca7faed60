import { expect } from '@jest/globals';
import type { Response } from 'supertest';
import type { SessionClient } from '../../support/fixtures.js';
import { SoftAuthenticator, type SoftCredential } from '../../support/soft-authenticator.js';
import type { TestApp } from '../../support/test-app.js';

export interface CredentialBody {
  id: number;
  label: string;
  created_at: string;
  transports: string[];
  verified: boolean;
  authenticator_type: string;
}

/** Registers a passkey from `client`'s session and returns its id, still unverified. */
export async function registerUnverified(client: SessionClient, authn: SoftAuthenticator, label?: string): Promise<number> {
  const options = (await client.post('/api/webauthn/register/begin/').expect(200)).body;
  const res = await client.post('/api/webauthn/register/complete/', { ...authn.register(options), ...(label ? { label } : {}) }).expect(200);
  return Number(res.body.credential_id);
}

/** Registers and verifies a passkey; returns its body and the authenticator's credential. */
export async function registerPasskey(
  client: SessionClient,
  authn = new SoftAuthenticator(),
  label?: string,
): Promise<{ body: CredentialBody; credential: SoftCredential; authn: SoftAuthenticator }> {
  const id = await registerUnverified(client, authn, label);
  const options = (await client.post(`/api/webauthn/credentials/${id}/verify/`).expect(200)).body;
  const body = (await client.post(`/api/webauthn/credentials/${id}/verify_complete/`, authn.assert(options)).expect(200)).body as CredentialBody;
  return { body, credential: authn.credentials[authn.credentials.length - 1]!, authn };
}

/** The `webauthn_login` cookie a login begin set, to send back with the complete step. */
export function loginCookie(res: Response): string {
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const found = set.find((c) => c.startsWith('webauthn_login='));
  if (!found) throw new Error('login/begin set no webauthn_login cookie');
  return found.split(';')[0]!;
}

/** Starts a discoverable login as an anonymous browser; returns the options and its cookie. */
export async function beginLogin(t: TestApp): Promise<{ options: { challenge: string; rpId: string }; cookie: string }> {
  const res = await t.http().post('/api/webauthn/login/begin/').send({}).expect(200);
  return { options: res.body, cookie: loginCookie(res) };
}

export const credentialRows = (t: TestApp) =>
  t.dataSource.query('SELECT id, user_id, label, verified, counter::int AS counter FROM webauthn_credentials ORDER BY id');

export function expectPasskeyError(res: Response, status: number, code: string, detail: string, attr: string | null = null): void {
  const type = status === 400 ? 'validation_error' : status === 404 ? 'invalid_request' : 'authentication_error';
  expect({ status: res.status, body: res.body }).toEqual({ status, body: { type, code, detail, attr } });
}
