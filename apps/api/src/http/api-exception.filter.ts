import { ArgumentsHost, Catch, NotFoundException, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { toErrorResponse } from './error-body.js';
import { RouteMethods } from './route-methods.js';

/** Turns every error into `{type, code, detail, attr}`; unexpected ones are logged, never echoed. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly routeMethods: RouteMethods,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('ApiExceptionFilter');
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let response = toErrorResponse(exception);
    if (exception instanceof NotFoundException && response.body.detail === 'Not found.') {
      const allowed = this.routeMethods.allowed(new URL(req.url, 'http://x').pathname);
      if (allowed.length > 0) {
        response = {
          status: 405,
          headers: { Allow: allowed.join(', ') },
          body: { type: 'invalid_request', code: 'method_not_allowed', detail: `Method "${req.method}" not allowed.`, attr: null },
        };
      }
    }
    if (response.unexpected !== undefined) this.logger.error({ err: response.unexpected }, 'unhandled error');
    if (reply.sent) return;
    reply.status(response.status).headers(response.headers).send(response.body);
  }
}
