import { isIP } from 'node:net';
import { z } from 'zod';

const seconds = z.coerce.number().int().positive();
const milliseconds = z.coerce.number().int().nonnegative();
/** `true`/`1`/`yes`/`on` or `false`/`0`/`no`/`off` (any case); anything else is a config error. */
const flag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', '1', 'yes', 'on', 'false', '0', 'no', 'off']))
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Every environment variable the service reads. Defaults are development defaults, so
 * `npm run start:api` works against local PostgreSQL and Redis with no `.env`.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(8000),
  WORKER_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres:postgres@127.0.0.1:5432/users_api'),
  /** Bounded database waits (docs/operations.md): pool size, wait for a connection, per-statement limit. */
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  DATABASE_POOL_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(10000),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379/0'),
  /**
   * Redis Cluster seed nodes, `host:port` comma separated (docs/operations.md). When set, every use of
   * Redis goes to the cluster and REDIS_URL only lends its credentials, if any.
   */
  REDIS_CLUSTER_NODES: optionalText.pipe(
    z
      .string()
      .regex(/^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/, 'expected a comma list of host:port seed nodes')
      .optional(),
  ),
  /** Prefix of every BullMQ key, so several deployments can share one Redis. */
  QUEUE_PREFIX: z.string().min(1).default('bull'),
  /**
   * Crash recovery (docs/operations.md): a running job's lock lives this long and is renewed every
   * half of it; every QUEUE_STALLED_INTERVAL_MS a worker moves jobs whose lock has expired back to
   * waiting. A killed worker's job runs again within about their sum.
   */
  QUEUE_LOCK_DURATION_MS: z.coerce.number().int().min(1000).default(6000),
  QUEUE_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(3000),
  /** On SIGTERM: the api keeps serving new requests this long (readiness already 503) before it closes. */
  SHUTDOWN_DRAIN_MS: milliseconds.default(1000),
  /** On SIGTERM: everything (drain, in-flight requests, running jobs) ends within this; then the process exits. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10000),
  /** At start-up: how long to wait for PostgreSQL and Redis (retrying with backoff) before exiting non-zero. */
  STARTUP_TIMEOUT_MS: z.coerce.number().int().positive().default(60000),
  SECRET_KEY: optionalText,
  /** Retired server secrets, comma-separated: secrets sealed under them can still be read (key rotation). */
  SECRET_KEY_FALLBACKS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean)),
  /**
   * Which proxies in front of the API to believe about the client (X-Forwarded-For/-Proto/-Host):
   * `false` none; a hop count (`true` = 1), the client being that many entries from the right of
   * X-Forwarded-For; or a comma list of proxy addresses/CIDRs. Never "everything", which would let
   * a client pick its own address.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx): false | number | string[] => {
      const value = v.trim().toLowerCase();
      if (value === 'false' || value === '0' || value === '') return false;
      if (value === 'true') return 1;
      if (/^\d+$/.test(value)) return Number(value);
      const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
      const bad = entries.find((e) => !isAddressOrCidr(e));
      if (bad === undefined && entries.length > 0) return entries;
      ctx.addIssue({ code: 'custom', message: 'expected false, a hop count, or a comma list of addresses/CIDRs' });
      return z.NEVER;
    }),
  FRONTEND_URL: z.url().default('http://localhost:8000'),
  SESSION_TTL_S: seconds.default(14 * 24 * 3600),
  /** A session ends this long after its login however often it is used (the TTL above slides). */
  SESSION_MAX_AGE_S: seconds.default(30 * 24 * 3600),
  SENSITIVE_ACTION_MAX_AGE_S: seconds.default(7200),
  /** How recent a re-authentication must be for identity changes (e-mail, 2FA off, passkey removal). */
  SESSION_FRESH_REAUTH_AGE_S: seconds.default(300),

  /** The WebAuthn relying party: the passkeys' domain; default the hostname of FRONTEND_URL. */
  WEBAUTHN_RP_ID: optionalText,
  /** The origin passkey ceremonies must come from; default FRONTEND_URL's scheme, host and port. */
  WEBAUTHN_ORIGIN: optionalText.pipe(z.url().optional()),
  /** The name authenticators show for this site. */
  WEBAUTHN_RP_NAME: z.string().min(1).default('PostHog'),
  /** The issuer authenticator apps show for the TOTP secret (its otpauth URL). */
  TOTP_ISSUER: z.string().min(1).default('PostHog'),
  /** How long a password login waits for its second factor. */
  TWO_FACTOR_LOGIN_TIMEOUT_S: seconds.default(600),
  /** How long a remember-device cookie skips the second factor (30 days). */
  TWO_FACTOR_REMEMBER_COOKIE_AGE_S: seconds.default(2_592_000),

  GITHUB_API_URL: z.url().default('https://api.github.com'),
  GITHUB_WEB_URL: z.url().default('https://github.com'),
  GITHUB_APP_ID: optionalText,
  GITHUB_APP_CLIENT_ID: optionalText,
  GITHUB_APP_CLIENT_SECRET: optionalText,
  /** PEM text, or a path to a PEM file. */
  GITHUB_APP_PRIVATE_KEY: optionalText,
  GITHUB_APP_SLUG: optionalText,
  GITHUB_WEBHOOK_SECRET: optionalText,
  /** The GitHub App's registered Callback URL (OAuth redirect_uri); default: this API's own callback route. */
  GITHUB_CALLBACK_URL: z.url().optional(),
  GITHUB_REPOS_TTL_S: seconds.default(3600),
  GITHUB_BRANCHES_TTL_S: seconds.default(600),
  GITHUB_COLD_WAIT_MS: milliseconds.default(10000),
  GITHUB_REFRESH_WAIT_MS: milliseconds.default(15000),
  /** How often the worker's stale sweep runs (one BullMQ job scheduler for every worker). */
  GITHUB_SWEEP_EVERY_MS: z.coerce.number().int().min(1000).default(60_000),

  /**
   * SMTP (docs/operations.md). E-mail is available only when enabled and a host is set; without it
   * e-mail changes are written at once, verification and reset answer `email_not_available`, and
   * notices are skipped.
   */
  EMAIL_ENABLED: flag.default(true),
  EMAIL_HOST: z.string().trim().default(''),
  EMAIL_PORT: z.coerce.number().int().min(1).max(65535).default(25),
  EMAIL_HOST_USER: z.string().default(''),
  EMAIL_HOST_PASSWORD: z.string().default(''),
  /** STARTTLS after connecting; `EMAIL_USE_SSL` is TLS from the first byte. Not both. */
  EMAIL_USE_TLS: flag.default(false),
  EMAIL_USE_SSL: flag.default(false),
  /** The From address; empty falls back to `DEFAULT_FROM_EMAIL`, then `root@localhost`. */
  EMAIL_DEFAULT_FROM: z.string().trim().default(''),
  DEFAULT_FROM_EMAIL: z.string().trim().default(''),
  EMAIL_REPLY_TO: z.string().trim().default(''),
  /** Bounds the connection, the greeting and every SMTP command. */
  EMAIL_TIMEOUT_MS: z.coerce.number().int().positive().default(10000),
  /** Lifetime of an e-mailed 6-digit code, and the wrong codes it tolerates. */
  EMAIL_CODE_TTL_S: seconds.default(600),
  EMAIL_CODE_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
  /** Lifetime of a password reset link. */
  PASSWORD_RESET_TIMEOUT_S: seconds.default(86400),

  /** The api's Prometheus port (`GET /metrics`, never on PORT); unset or empty: no listener. */
  METRICS_PORT: optionalText.pipe(z.coerce.number<string | undefined>().int().min(0).max(65535).optional()),
  /** OTLP/HTTP collector; tracing is off unless set (the SDK reads it and the other OTEL_* itself). */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalText.pipe(z.url().optional()),
});

export type Env = z.infer<typeof envSchema>;
