import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A software passkey authenticator for tests, written from the WebAuthn spec with node:crypto only
 * (none of the service's code): ES256 keys, COSE key encoding, authenticatorData with its flags and
 * counter, clientDataJSON, attestation format "none", DER ECDSA assertion signatures. Its knobs
 * (`uv`, `origin`, `userHandle`, ...) produce the wrong answers the error tests need.
 */

const b64url = (bytes: Buffer | Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();

// ---- minimal CBOR (RFC 8949) encoder: unsigned/negative ints, byte and text strings, maps ----
type Cbor = number | string | Buffer | Map<Cbor, Cbor> | { [k: string]: Cbor };
function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}
export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const text = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, text.length), text]);
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export interface SoftCredential {
  id: Buffer;
  privateKey: KeyObject;
  cosePublicKey: Buffer;
  /** The user handle the relying party gave at registration (base64url). */
  userHandle: string;
  counter: number;
}

interface CreationOptions {
  challenge: string;
  rp: { id?: string };
  user: { id: string };
}
interface RequestOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: { id: string }[];
}

/** Ways to make a ceremony answer wrong on purpose. */
export interface Tamper {
  /** Leave the user-verified flag off. */
  uv?: boolean;
  origin?: string;
  rpId?: string;
  /** Sign this challenge instead of the one asked for. */
  challenge?: string;
  /** Answer with this user handle (base64url), or none at all with null. */
  userHandle?: string | null;
}

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];

  constructor(
    readonly rpId = 'localhost',
    readonly origin = 'http://localhost:8000',
  ) {}

  /** `navigator.credentials.create` for `options`: a RegistrationResponseJSON. */
  register(options: CreationOptions, tamper: Tamper = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cosePublicKey = cbor(
      new Map<Cbor, Cbor>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const credential: SoftCredential = { id: randomBytes(16), privateKey, cosePublicKey, userHandle: options.user.id, counter: 0 };
    this.credentials.push(credential);
    const attested = Buffer.concat([Buffer.alloc(16), Buffer.from([0, credential.id.length]), credential.id, cosePublicKey]);
    const authData = this.authenticatorData(tamper.rpId ?? options.rp.id ?? this.rpId, FLAG_AT | this.flags(tamper), 0, attested);
    const clientDataJSON = this.clientData('webauthn.create', tamper.challenge ?? options.challenge, tamper.origin);
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(cbor({ fmt: 'none', attStmt: {}, authData })),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** `navigator.credentials.get` for `options` with `credential` (default: the first allowed, else the newest). */
  assert(options: RequestOptions, credential?: SoftCredential, tamper: Tamper = {}) {
    const allowed = options.allowCredentials?.map((c) => c.id) ?? [];
    const chosen =
      credential ??
      (allowed.length ? this.credentials.find((c) => allowed.includes(b64url(c.id))) : this.credentials[this.credentials.length - 1]);
    if (!chosen) throw new Error('the authenticator holds no usable credential');
    chosen.counter += 1;
    const authData = this.authenticatorData(tamper.rpId ?? options.rpId ?? this.rpId, this.flags(tamper), chosen.counter);
    const clientDataJSON = this.clientData('webauthn.get', tamper.challenge ?? options.challenge, tamper.origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), chosen.privateKey);
    const userHandle = tamper.userHandle === undefined ? chosen.userHandle : tamper.userHandle;
    return {
      id: b64url(chosen.id),
      rawId: b64url(chosen.id),
      type: 'public-key',
      response: {
        authenticatorData: b64url(authData),
        clientDataJSON: b64url(clientDataJSON),
        signature: b64url(signature),
        ...(userHandle === null ? {} : { userHandle }),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  private flags(tamper: Tamper): number {
    return FLAG_UP | (tamper.uv === false ? 0 : FLAG_UV);
  }

  private authenticatorData(rpId: string, flags: number, counter: number, attested = Buffer.alloc(0)): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, attested]);
  }

  private clientData(type: string, challenge: string, origin = this.origin): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }
}
