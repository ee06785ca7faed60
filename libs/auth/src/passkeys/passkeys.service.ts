import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { cose, decodeCredentialPublicKey } from '@simplewebauthn/server/helpers';
import { In, Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { DomainError, validationError } from '#libs/core';
import { UsersService, type User } from '#libs/users';
import { ThrottlesService } from '../throttles.service.js';
import { PasskeyCredential } from './passkey-credential.entity.js';
import { relyingParty, type RelyingParty } from './relying-party.js';
import { WEBAUTHN_TIMEOUT_MS, WebauthnChallenges } from './webauthn-challenges.js';

/** ES512, ES256, EdDSA: what PostHog accepts (RSA dropped); docs/api.md "Passkeys". */
export const SUPPORTED_ALGORITHMS = [-36, -7, -8];

export const DEFAULT_PASSKEY_LABEL = 'Passkey';
export const MAX_PASSKEY_LABEL = 200;

/** The request options a verify, login or second-factor step answers with. */
export interface RequestOptions {
  challenge: string;
  timeout: number;
  rpId: string;
  allowCredentials: { id: string; type: 'public-key'; transports?: string[] }[];
  userVerification: 'required';
}

interface PendingRegistration {
  challenge: string;
  userId: number;
}
interface PendingVerification {
  challenge: string;
  userId: number;
  credentialId: number;
}
interface PendingChallenge {
  challenge: string;
}

/** The parts of an assertion the login checks one by one before verifying it. */
export interface AssertionInput {
  id?: string;
  rawId?: string;
  type?: string;
  response?: { authenticatorData?: string; clientDataJSON?: string; signature?: string; userHandle?: string | null };
  clientExtensionResults?: Record<string, unknown>;
  authenticatorAttachment?: string | null;
}

export interface RegistrationInput {
  id?: string;
  rawId?: string;
  type?: string;
  response?: { clientDataJSON?: string; attestationObject?: string; transports?: string[] };
  clientExtensionResults?: Record<string, unknown>;
  authenticatorAttachment?: string | null;
}

const registrationFailed = () => validationError('webauthn_registration_failed', 'Registration failed: could not complete registration');
const loginFailed = (detail: string) => validationError('passkey_login_failed', detail);
const AUTH_FAILED = 'Authentication failed. Please check your passkey and try again.';
const credentialNotFound = () => new DomainError('not_found', 'not_found', 'Credential not found.');

/** The user handle is the user's uuid as its 16 raw bytes. */
export const userHandleOf = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');

function uuidFromUserHandle(handle: string): string | null {
  const hex = Buffer.from(handle, 'base64url').toString('hex');
  if (hex.length !== 32) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const b64 = (bytes: Buffer | Uint8Array) => Buffer.from(bytes).toString('base64url');

/**
 * Passkeys (docs/api.md "Passkeys"): registration with its verify step, management, discoverable
 * login and the passkey second factor. Every signature and attestation check is
 * `@simplewebauthn/server`'s; this service keeps the challenges single use and decides who owns what.
 */
@Injectable()
export class PasskeysService {
  private readonly rp: RelyingParty;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectRepository(PasskeyCredential) private readonly credentials: Repository<PasskeyCredential>,
    private readonly challenges: WebauthnChallenges,
    private readonly users: UsersService,
    private readonly throttles: ThrottlesService,
  ) {
    this.rp = relyingParty(config);
  }

  // ---- registration -------------------------------------------------------------------------

  async beginRegistration(user: User, sessionId: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const verified = await this.credentials.find({ where: { userId: user.id, verified: true }, order: { id: 'ASC' } });
    const fullName = `${user.firstName} ${user.lastName}`.trim();
    const options = await generateRegistrationOptions({
      rpName: this.rp.name,
      rpID: this.rp.id,
      userID: userHandleOf(user.uuid),
      userName: user.email,
      userDisplayName: fullName || user.email,
      timeout: WEBAUTHN_TIMEOUT_MS,
      attestationType: 'none',
      excludeCredentials: verified.map((c) => ({ id: b64(c.credentialId), transports: c.transports as AuthenticatorTransport[] })),
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
    await this.challenges.put<PendingRegistration>('register', sessionId, { challenge: options.challenge, userId: user.id });
    return options;
  }

  /** Stores the new credential unverified; it counts for nothing until `completeVerification`. */
  async completeRegistration(user: User, sessionId: string, response: RegistrationInput, label: string): Promise<PasskeyCredential> {
    const pending = await this.challenges.take<PendingRegistration>('register', sessionId);
    if (!pending || pending.userId !== user.id) {
      throw validationError('webauthn_no_challenge', 'No registration challenge found. Please start registration again.');
    }
    let info;
    try {
      const result = await verifyRegistrationResponse({
        response: response as RegistrationResponseJSON,
        expectedChallenge: pending.challenge,
        expectedOrigin: this.rp.origin,
        expectedRPID: this.rp.id,
        requireUserVerification: true,
        supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
      });
      if (!result.verified) throw registrationFailed();
      info = result.registrationInfo;
    } catch {
      throw registrationFailed();
    }
    const credentialId = Buffer.from(info.credential.id, 'base64url');
    const existing = await this.credentials.findOne({ where: { userId: user.id, credentialId } });
    // Registering the same authenticator again replaces the unverified copy, never a verified one.
    if (existing?.verified) throw registrationFailed();
    if (existing) await this.credentials.delete({ id: existing.id });
    const transports = response.response?.transports ?? info.credential.transports ?? [];
    return this.credentials.save(
      this.credentials.create({
        userId: user.id,
        credentialId,
        label,
        publicKey: Buffer.from(info.credential.publicKey),
        algorithm: algorithmOf(info.credential.publicKey),
        counter: info.credential.counter,
        transports: transports.filter((t): t is string => typeof t === 'string'),
        verified: false,
      }),
    );
  }

  async beginVerification(user: User, sessionId: string, id: string): Promise<RequestOptions> {
    const credential = await this.own(user, id);
    if (credential.verified) throw validationError('already_verified', 'Credential is already verified.');
    const options = await this.requestOptions([credential]);
    await this.challenges.put<PendingVerification>('verify', sessionId, { challenge: options.challenge, userId: user.id, credentialId: credential.id });
    return options;
  }

  async completeVerification(user: User, sessionId: string, id: string, response: AssertionInput): Promise<PasskeyCredential> {
    const pending = await this.challenges.take<PendingVerification>('verify', sessionId);
    if (!pending || pending.userId !== user.id) {
      throw validationError('webauthn_no_challenge', 'No pending verification. Please start verification again.');
    }
    if (String(pending.credentialId) !== id) throw validationError('credential_mismatch', 'Credential ID mismatch.');
    const credential = await this.credentials.findOne({ where: { id: pending.credentialId, userId: user.id, verified: false } });
    if (!credential) throw validationError('credential_not_pending', 'Credential not found or already verified.');
    const counter = await this.verifyAssertion(credential, pending.challenge, response);
    if (counter === null) throw validationError('webauthn_verification_failed', 'Verification failed: could not complete verification');
    await this.credentials.update({ id: credential.id }, { verified: true, counter });
    return { ...credential, verified: true, counter };
  }

  // ---- management ---------------------------------------------------------------------------

  /** Newest first, verified or not. */
  list(userId: number): Promise<PasskeyCredential[]> {
    return this.credentials.find({ where: { userId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  async rename(user: User, id: string, label: string): Promise<PasskeyCredential> {
    const credential = await this.own(user, id);
    await this.credentials.update({ id: credential.id }, { label });
    return { ...credential, label };
  }

  async remove(user: User, id: string): Promise<void> {
    const credential = await this.own(user, id);
    await this.credentials.delete({ id: credential.id });
  }

  async countVerified(userId: number): Promise<number> {
    return this.credentials.count({ where: { userId, verified: true } });
  }

  /** Per user: every credential (credential review) and the verified ones (2FA). */
  async countsForUsers(userIds: number[]): Promise<Map<number, { total: number; verified: number }>> {
    const counts = new Map<number, { total: number; verified: number }>();
    if (userIds.length === 0) return counts;
    const rows: { user_id: number; total: number; verified: number }[] = await this.credentials
      .createQueryBuilder('c')
      .select('c.user_id', 'user_id')
      .addSelect('count(*)::int', 'total')
      .addSelect('count(*) FILTER (WHERE c.verified)::int', 'verified')
      .where({ userId: In(userIds) })
      .groupBy('c.user_id')
      .getRawMany();
    for (const row of rows) counts.set(row.user_id, { total: row.total, verified: row.verified });
    return counts;
  }

  // ---- discoverable login -------------------------------------------------------------------

  /** Options for a discoverable login: no credential list, the authenticator offers its own. */
  async beginLogin(browserId: string): Promise<RequestOptions> {
    const options = await this.requestOptions([]);
    await this.challenges.put<PendingChallenge>('login', browserId, { challenge: options.challenge });
    return options;
  }

  /**
   * The user whose verified passkey signed the challenge issued to this browser. Failed signatures
   * spend the same per-address and per-email budgets as failed passwords (docs/api.md "Throttles").
   */
  async completeLogin(browserId: string | undefined, response: AssertionInput, ip: string): Promise<User> {
    const pending = browserId ? await this.challenges.take<PendingChallenge>('login', browserId) : null;
    if (!pending) throw loginFailed('No login challenge found. Please start login again.');
    const userHandle = response.response?.userHandle;
    if (!userHandle) throw loginFailed("No userHandle in response. Make sure you're using a discoverable credential.");
    if (!response.rawId) throw loginFailed('No credential ID in response.');
    const { authenticatorData, clientDataJSON, signature } = response.response ?? {};
    if (!authenticatorData || !clientDataJSON || !signature) throw loginFailed('Invalid response structure. Missing required fields.');
    const uuid = uuidFromUserHandle(userHandle);
    const user = uuid ? await this.users.findActiveByUuid(uuid) : null;
    if (!user) throw loginFailed(AUTH_FAILED);
    await this.throttles.consume('loginPerIp', ip);
    await this.throttles.consume('loginPerEmail', user.email);
    const credential = await this.credentials.findOne({
      where: { userId: user.id, credentialId: Buffer.from(response.rawId, 'base64url'), verified: true },
    });
    const counter = credential ? await this.verifyAssertion(credential, pending.challenge, response) : null;
    if (!credential || counter === null) throw loginFailed(AUTH_FAILED);
    await this.credentials.update({ id: credential.id }, { counter });
    return user;
  }

  // ---- a passkey as the second factor of a password login ----------------------------------

  /** Options naming every verified passkey of the user, the challenge kept for this pending login. */
  async beginSecondFactor(userId: number, pendingId: string): Promise<RequestOptions> {
    const verified = await this.credentials.find({ where: { userId, verified: true }, order: { id: 'ASC' } });
    const options = await this.requestOptions(verified);
    await this.challenges.put<PendingChallenge>('second_factor', pendingId, { challenge: options.challenge });
    return options;
  }

  /**
   * Whether the assertion is by one of the user's verified passkeys over this pending login's
   * challenge (used once); `no_challenge` when the passkey step was not begun.
   */
  async completeSecondFactor(userId: number, pendingId: string, credentialId: unknown, response: unknown): Promise<'ok' | 'invalid' | 'no_challenge'> {
    const pending = await this.challenges.take<PendingChallenge>('second_factor', pendingId);
    if (!pending) return 'no_challenge';
    if (typeof credentialId !== 'string' || credentialId.length > 1400 || typeof response !== 'object' || response === null) return 'invalid';
    const credential = await this.credentials.findOne({ where: { userId, credentialId: Buffer.from(credentialId, 'base64url'), verified: true } });
    if (!credential) return 'invalid';
    const assertion: AssertionInput = { id: credentialId, rawId: credentialId, type: 'public-key', response: response as AssertionInput['response'], clientExtensionResults: {} };
    const counter = await this.verifyAssertion(credential, pending.challenge, assertion);
    if (counter === null) return 'invalid';
    await this.credentials.update({ id: credential.id }, { counter });
    return 'ok';
  }

  // ---- helpers ------------------------------------------------------------------------------

  private async own(user: User, id: string): Promise<PasskeyCredential> {
    if (!/^\d{1,9}$/.test(id)) throw credentialNotFound();
    const credential = await this.credentials.findOne({ where: { id: Number(id), userId: user.id } });
    if (!credential) throw credentialNotFound();
    return credential;
  }

  async requestOptions(allowed: PasskeyCredential[]): Promise<RequestOptions> {
    const options: PublicKeyCredentialRequestOptionsJSON = await generateAuthenticationOptions({
      rpID: this.rp.id,
      timeout: WEBAUTHN_TIMEOUT_MS,
      userVerification: 'required',
      allowCredentials: allowed.map((c) => ({ id: b64(c.credentialId), transports: c.transports as AuthenticatorTransport[] })),
    });
    return {
      challenge: options.challenge,
      timeout: WEBAUTHN_TIMEOUT_MS,
      rpId: this.rp.id,
      allowCredentials: (options.allowCredentials ?? []).map((c) => ({ id: c.id, type: 'public-key' as const, transports: c.transports })),
      userVerification: 'required',
    };
  }

  /** The new counter when `response` is a valid assertion by `credential` over `challenge`, else null. */
  async verifyAssertion(credential: PasskeyCredential, challenge: string, response: AssertionInput): Promise<number | null> {
    if (response.rawId !== b64(credential.credentialId) && response.id !== b64(credential.credentialId)) return null;
    try {
      const result = await verifyAuthenticationResponse({
        response: { ...response, id: b64(credential.credentialId), rawId: b64(credential.credentialId) } as AuthenticationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: this.rp.origin,
        expectedRPID: this.rp.id,
        requireUserVerification: true,
        credential: {
          id: b64(credential.credentialId),
          publicKey: new Uint8Array(credential.publicKey),
          // Counters are not enforced (docs/api.md "Passkeys"): the library only compares with 0.
          counter: 0,
          transports: credential.transports as AuthenticatorTransport[],
        },
      });
      return result.verified ? result.authenticationInfo.newCounter : null;
    } catch {
      return null;
    }
  }
}

/** The COSE `alg` of a COSE public key. */
function algorithmOf(coseKey: Uint8Array): number {
  return Number(decodeCredentialPublicKey(coseKey as Uint8Array<ArrayBuffer>).get(cose.COSEKEYS.alg) ?? 0);
}
