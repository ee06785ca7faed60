// Tracing first, then the app through a dynamic import. OpenTelemetry patches http, pg and ioredis
// as they load, so the SDK must be running before any of them does; but in ESM every static import of
// this file would be loaded (and the CommonJS ones run) before its first line. Hence: start the SDK,
// and only then `import()` the app. An early dynamic import rather than `node --import`, so
// that `node dist/apps/api/src/main.js` stays the whole start command (npm scripts, the Dockerfile,
// compose, the benchmarks). Off, loading nothing, unless OTEL_EXPORTER_OTLP_ENDPOINT is set
// (docs/operations.md).
import { startTracing } from '#libs/tracing';

startTracing('users-api');
await import('./start.js');
