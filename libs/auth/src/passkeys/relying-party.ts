import type { AppConfig } from '#libs/config';

/** Who the passkeys belong to: the id and origin every ceremony is checked against. */
export interface RelyingParty {
  id: string;
  name: string;
  origin: string;
}

/**
 * `WEBAUTHN_RP_ID` / `WEBAUTHN_ORIGIN` default from `FRONTEND_URL` (docs/operations.md): the rp id is
 * its hostname, the origin its scheme and host with the port unless it is the scheme's default.
 */
export function relyingParty(config: Pick<AppConfig, 'FRONTEND_URL' | 'WEBAUTHN_RP_ID' | 'WEBAUTHN_ORIGIN' | 'WEBAUTHN_RP_NAME'>): RelyingParty {
  const frontend = new URL(config.FRONTEND_URL);
  const origin = config.WEBAUTHN_ORIGIN ? new URL(config.WEBAUTHN_ORIGIN).origin : frontend.origin;
  return { id: config.WEBAUTHN_RP_ID ?? (frontend.hostname || 'localhost'), name: config.WEBAUTHN_RP_NAME, origin };
}
