import { trace } from '@opentelemetry/api';
import { createRequire } from 'node:module';
import type { Telemetry } from 'bullmq';

// Loaded synchronously and only when tracing is on: an unset endpoint costs one env lookup.
const require = createRequire(import.meta.url);

let started = false;

/** Whether tracing was asked for (`OTEL_EXPORTER_OTLP_ENDPOINT` set and not empty). */
export const tracingRequested = (env: NodeJS.ProcessEnv = process.env): boolean => (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim() !== '';

/**
 * Starts the OpenTelemetry Node SDK when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (docs/operations.md,
 * "Traces"); otherwise does nothing and loads nothing. Every other setting is the SDK's own standard
 * `OTEL_*` variable (`OTEL_SERVICE_NAME`, `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_BSP_SCHEDULE_DELAY`,
 * sampling…). It must run before the instrumented packages load: each entry point (`main.ts`) calls
 * it first and imports the app dynamically afterwards.
 *
 * Instrumentations: http (server spans, renamed by route with `nameSpanByRoute`), pg, ioredis and
 * undici (Octokit's fetch: the GitHub calls); all patch CommonJS packages through require hooks, so no
 * ESM loader hook is needed. BullMQ's own spans come from `bullmqTelemetry()` (bullmq-otel), which
 * carries the trace context inside each job. Not `@opentelemetry/instrumentation-fastify`: it is
 * deprecated, and it patches only fastify's default export, while Nest (ESM) imports the named one,
 * so it never ran; it would also add a span per hook to every request.
 */
export function startTracing(serviceName: string): void {
  if (started || !tracingRequested()) return;
  started = true;
  // Metrics are Prometheus (prom-client) and logs are pino lines: the SDK exports traces only.
  process.env.OTEL_SERVICE_NAME ||= serviceName;
  process.env.OTEL_METRICS_EXPORTER ||= 'none';
  process.env.OTEL_LOGS_EXPORTER ||= 'none';
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { IORedisInstrumentation } = require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
  const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const sdk = new NodeSDK({
    instrumentations: [
      new HttpInstrumentation({
        // Probes would be most of the spans and tell nothing.
        ignoreIncomingRequestHook: (req) => /^\/(api\/)?(health|ready)\/?(\?|$)/.test(req.url ?? ''),
      }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
      new IORedisInstrumentation(),
      new UndiciInstrumentation(),
    ],
  });
  sdk.start();
  // Exports the last batch when the process ends on its own (after a graceful shutdown).
  process.once('beforeExit', () => void sdk.shutdown().catch(() => undefined));
}

/**
 * Names the current HTTP server span `METHOD /route/pattern` and sets `http.route` (the job fastify's
 * instrumentation did): route patterns, never raw URLs with ids. Call from an `onRequest` hook.
 */
export function nameSpanByRoute(method: string, route: string | undefined): void {
  if (!started || route === undefined) return;
  const span = trace.getActiveSpan();
  if (!span) return;
  span.updateName(`${method} ${route}`);
  span.setAttribute('http.route', route);
}

/** Whether this process started tracing (so hooks that only feed it can be left out). */
export const tracingStarted = (): boolean => started;

/**
 * BullMQ's telemetry (bullmq-otel) for queues and workers when tracing is on, else undefined:
 * producer spans on `add`, consumer spans around each job, parented by the context the job carries.
 */
export function bullmqTelemetry(serviceName = 'users-api'): Telemetry | undefined {
  if (!started) return undefined;
  const { BullMQOtel } = require('bullmq-otel') as typeof import('bullmq-otel');
  return new BullMQOtel({ tracerName: serviceName }) as unknown as Telemetry;
}
