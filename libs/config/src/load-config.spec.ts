import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfig } from './load-config.js';

const messageOf = (env: NodeJS.ProcessEnv): string => {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('parseConfig accepted a bad environment');
};

describe('parseConfig', () => {
  it('gives development defaults for an empty environment', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 8000,
      DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:5432/users_api',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      CORS_ORIGINS: [],
      TRUST_PROXY: false,
      SESSION_TTL_S: 14 * 24 * 3600,
      SESSION_MAX_AGE_S: 30 * 24 * 3600,
      SENSITIVE_ACTION_MAX_AGE_S: 7200,
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_WEB_URL: 'https://github.com',
    });
    expect(config.SECRET_KEY.length).toBeGreaterThan(20);
  });

  it('parses lists, booleans and numbers', () => {
    const config = parseConfig({ CORS_ORIGINS: 'https://a.example.com, https://b.example.com,', TRUST_PROXY: '1', PORT: '9000' });
    expect(config.CORS_ORIGINS).toEqual(['https://a.example.com', 'https://b.example.com']);
    expect(config.TRUST_PROXY).toBe(1);
    expect(config.PORT).toBe(9000);
  });

  it('reads REDIS_CLUSTER_NODES as absent when unset or blank, else as it is given', () => {
    expect(parseConfig({}).REDIS_CLUSTER_NODES).toBeUndefined();
    expect(parseConfig({ REDIS_CLUSTER_NODES: '  ' }).REDIS_CLUSTER_NODES).toBeUndefined();
    expect(parseConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:6379, redis-2:7000' }).REDIS_CLUSTER_NODES).toBe('10.0.0.1:6379, redis-2:7000');
  });

  it('reads TRUST_PROXY as off, a hop count or a list of proxy addresses, never "trust everything"', () => {
    expect(parseConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(parseConfig({ TRUST_PROXY: '0' }).TRUST_PROXY).toBe(false);
    expect(parseConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(1);
    expect(parseConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(parseConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,::1' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '192.168.1.5', '::1']);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ REDIS_CLUSTER_NODES: 'redis-1' }, 'REDIS_CLUSTER_NODES'],
    [{ REDIS_CLUSTER_NODES: 'a:1,,b:2' }, 'REDIS_CLUSTER_NODES'],
    [{ GITHUB_SWEEP_EVERY_MS: '10' }, 'GITHUB_SWEEP_EVERY_MS'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '-1' }, 'TRUST_PROXY'],
    [{ SESSION_MAX_AGE_S: '0' }, 'SESSION_MAX_AGE_S'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ SESSION_TTL_S: '-5' }, 'SESSION_TTL_S'],
    [{ GITHUB_API_URL: 'api.github.com' }, 'GITHUB_API_URL'],
  ])('names the bad variable in %j', (env, name) => {
    expect(messageOf(env)).toMatch(new RegExp(`^Invalid configuration:\\n  ${name}: `));
  });

  it('names every bad variable at once', () => {
    const message = messageOf({ PORT: 'x', REDIS_URL: 'y' });
    expect(message).toContain('  PORT: ');
    expect(message).toContain('  REDIS_URL: ');
  });

  it('requires SECRET_KEY in production, and only there', () => {
    expect(messageOf({ NODE_ENV: 'production' })).toBe('Invalid configuration:\n  SECRET_KEY: required when NODE_ENV=production');
    expect(messageOf({ NODE_ENV: 'production', SECRET_KEY: '   ' })).toContain('SECRET_KEY');
    expect(parseConfig({ NODE_ENV: 'production', SECRET_KEY: 's3cret-value' }).SECRET_KEY).toBe('s3cret-value');
  });

  it('names GITHUB_APP_PRIVATE_KEY when it is neither PEM nor a readable file', () => {
    expect(messageOf({ GITHUB_APP_PRIVATE_KEY: '/nonexistent/key.pem' })).toContain('GITHUB_APP_PRIVATE_KEY');
  });

  it('reads METRICS_PORT (unset or empty: no listener) and OTEL_EXPORTER_OTLP_ENDPOINT (unset or empty: no tracing)', () => {
    for (const env of [{}, { METRICS_PORT: '', OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }]) {
      const config = parseConfig(env);
      expect([config.METRICS_PORT, config.OTEL_EXPORTER_OTLP_ENDPOINT]).toEqual([undefined, undefined]);
    }
    expect(parseConfig({ METRICS_PORT: '9464', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toMatchObject({ METRICS_PORT: 9464, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' });
    expect(messageOf({ METRICS_PORT: 'nine' })).toContain('  METRICS_PORT: ');
    expect(messageOf({ METRICS_PORT: '70000' })).toContain('  METRICS_PORT: ');
    expect(messageOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toContain('  OTEL_EXPORTER_OTLP_ENDPOINT: ');
  });

  it('reads the e-mail settings with their defaults (docs/operations.md); both TLS modes at once is an error', () => {
    expect(parseConfig({})).toMatchObject({
      EMAIL_ENABLED: true,
      EMAIL_HOST: '',
      EMAIL_PORT: 25,
      EMAIL_HOST_USER: '',
      EMAIL_HOST_PASSWORD: '',
      EMAIL_USE_TLS: false,
      EMAIL_USE_SSL: false,
      EMAIL_DEFAULT_FROM: 'root@localhost',
      EMAIL_REPLY_TO: '',
      EMAIL_TIMEOUT_MS: 10000,
      EMAIL_CODE_TTL_S: 600,
      EMAIL_CODE_MAX_ATTEMPTS: 5,
      PASSWORD_RESET_TIMEOUT_S: 86400,
    });
    expect(parseConfig({ DEFAULT_FROM_EMAIL: 'old@example.com' }).EMAIL_DEFAULT_FROM).toBe('old@example.com');
    expect(parseConfig({ DEFAULT_FROM_EMAIL: 'old@example.com', EMAIL_DEFAULT_FROM: 'new@example.com' }).EMAIL_DEFAULT_FROM).toBe('new@example.com');
    expect(parseConfig({ EMAIL_ENABLED: 'False', EMAIL_USE_TLS: '1' })).toMatchObject({ EMAIL_ENABLED: false, EMAIL_USE_TLS: true });
    expect(messageOf({ EMAIL_ENABLED: 'maybe' })).toContain('  EMAIL_ENABLED: ');
    expect(messageOf({ EMAIL_USE_TLS: 'true', EMAIL_USE_SSL: 'true' })).toContain('EMAIL_USE_TLS, EMAIL_USE_SSL');
  });

  it('gives the lifecycle settings their defaults and refuses a drain as long as the grace', () => {
    expect(parseConfig({})).toMatchObject({
      QUEUE_LOCK_DURATION_MS: 6000,
      QUEUE_STALLED_INTERVAL_MS: 3000,
      SHUTDOWN_DRAIN_MS: 1000,
      SHUTDOWN_GRACE_MS: 10000,
      STARTUP_TIMEOUT_MS: 60000,
    });
    expect(parseConfig({ SHUTDOWN_DRAIN_MS: '0', SHUTDOWN_GRACE_MS: '500' })).toMatchObject({ SHUTDOWN_DRAIN_MS: 0, SHUTDOWN_GRACE_MS: 500 });
    expect(messageOf({ SHUTDOWN_DRAIN_MS: '10000' })).toContain('SHUTDOWN_DRAIN_MS: must be shorter than SHUTDOWN_GRACE_MS');
    expect(messageOf({ QUEUE_LOCK_DURATION_MS: '500' })).toContain('  QUEUE_LOCK_DURATION_MS: ');
    expect(messageOf({ STARTUP_TIMEOUT_MS: '0' })).toContain('  STARTUP_TIMEOUT_MS: ');
  });
});
