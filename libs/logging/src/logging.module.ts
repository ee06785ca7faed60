import { type DynamicModule, Module } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '#libs/config';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * JSON logs (pino) tagged with the service name. In the API every line of a request carries its
 * request id (`x-request-id`, taken from the caller when well-formed, echoed back).
 */
@Module({})
export class LoggingModule {
  static forService(service: 'api' | 'worker' | 'cli'): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            pinoHttp: {
              level: config.LOG_LEVEL,
              base: { service },
              genReqId: (req: IncomingMessage, res) => {
                const given = req.headers['x-request-id'];
                const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
                res.setHeader('x-request-id', id);
                return id;
              },
              redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
              autoLogging: { ignore: (req: IncomingMessage) => req.url === '/api/health' },
            },
          }),
        }),
      ],
    };
  }
}
