import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '#libs/config';
import { relyingParty } from './relying-party.js';

describe('the WebAuthn relying party (docs/operations.md "Passkeys")', () => {
  it('defaults from FRONTEND_URL: its hostname, its origin with the port, the name PostHog', () => {
    expect(relyingParty(parseConfig({}))).toEqual({ id: 'localhost', origin: 'http://localhost:8000', name: 'PostHog' });
    expect(relyingParty(parseConfig({ FRONTEND_URL: 'https://app.example.com:443/some/path' }))).toEqual({
      id: 'app.example.com',
      origin: 'https://app.example.com',
      name: 'PostHog',
    });
  });

  it('takes WEBAUTHN_RP_ID, WEBAUTHN_ORIGIN and WEBAUTHN_RP_NAME when set', () => {
    const config = parseConfig({
      FRONTEND_URL: 'https://app.example.com',
      WEBAUTHN_RP_ID: 'example.com',
      WEBAUTHN_ORIGIN: 'https://login.example.com:8443',
      WEBAUTHN_RP_NAME: 'Hedgehogs',
    });
    expect(relyingParty(config)).toEqual({ id: 'example.com', origin: 'https://login.example.com:8443', name: 'Hedgehogs' });
  });

  it('refuses a WEBAUTHN_ORIGIN that is not a URL, naming it', () => {
    expect(() => parseConfig({ WEBAUTHN_ORIGIN: 'not a url' })).toThrow(/WEBAUTHN_ORIGIN/);
  });
});
