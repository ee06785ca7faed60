/** OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set. Only @opentelemetry/api loads at import. */
export { bullmqTelemetry, nameSpanByRoute, startTracing, tracingStarted } from './tracing.js';
