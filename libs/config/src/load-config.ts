import { readFileSync } from 'node:fs';
import { envSchema, type Env } from './env.schema.js';

/** The validated configuration; `secretKey` is always set (a fixed value outside production). */
export type AppConfig = Omit<Env, 'SECRET_KEY'> & { SECRET_KEY: string };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const DEVELOPMENT_SECRET_KEY = 'development-only-secret-key-do-not-use-in-production';

/** Parses and checks `env`; throws a ConfigError naming every bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv): AppConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const parsed = result.data;
  if (parsed.NODE_ENV === 'production' && !parsed.SECRET_KEY) {
    throw new ConfigError('Invalid configuration:\n  SECRET_KEY: required when NODE_ENV=production');
  }
  if (parsed.EMAIL_USE_TLS && parsed.EMAIL_USE_SSL) {
    throw new ConfigError('Invalid configuration:\n  EMAIL_USE_TLS, EMAIL_USE_SSL: set at most one (STARTTLS or implicit TLS)');
  }
  if (parsed.SHUTDOWN_DRAIN_MS >= parsed.SHUTDOWN_GRACE_MS) {
    throw new ConfigError('Invalid configuration:\n  SHUTDOWN_DRAIN_MS: must be shorter than SHUTDOWN_GRACE_MS');
  }
  return {
    ...parsed,
    EMAIL_DEFAULT_FROM: parsed.EMAIL_DEFAULT_FROM || parsed.DEFAULT_FROM_EMAIL || 'root@localhost',
    SECRET_KEY: parsed.SECRET_KEY ?? DEVELOPMENT_SECRET_KEY,
    GITHUB_APP_PRIVATE_KEY: readPem(parsed.GITHUB_APP_PRIVATE_KEY),
  };
}

function readPem(value: string | undefined): string | undefined {
  if (!value || value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch {
    throw new ConfigError(`Invalid configuration:\n  GITHUB_APP_PRIVATE_KEY: not a PEM key and no readable file at ${value}`);
  }
}

let cached: AppConfig | undefined;

/** Reads `process.env` once per process; usable before Nest exists (CLI, migrations). */
export function loadConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

/**
 * For process entry points: the configuration, or a plain message naming each bad variable on
 * stderr and exit code 1 (no stack trace: the fix is in the environment, not the code).
 */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
