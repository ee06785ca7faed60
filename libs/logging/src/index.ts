/** Structured logging (nestjs-pino) for every process, and the request id every API log line carries. */
export { LOG_STREAM, LoggingModule } from './logging.module.js';
export { assignRequestId, requestIdFor } from './request-id.js';
