/** Structured logging (nestjs-pino) for every process. */
export { LoggingModule } from './logging.module.js';
