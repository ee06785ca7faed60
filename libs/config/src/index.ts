/** Validated environment configuration, read once per process. */
export { APP_CONFIG, ConfigModule } from './config.module.js';
export { ConfigError, loadConfig, loadConfigOrExit, parseConfig, type AppConfig } from './load-config.js';
export { envSchema, type Env } from './env.schema.js';
