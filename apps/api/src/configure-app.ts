import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Logger } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { assignRequestId } from '#libs/logging';
import { NOT_FOUND_BODY, toErrorResponse } from './http/error-body.js';

export const MAX_BODY_BYTES = 1024 * 1024;

declare module 'express-serve-static-core' {
  interface Request {
    /** The unparsed body, for webhook signatures. */
    rawBody?: Buffer;
  }
}

/**
 * Everything `main.ts` and the tests both need: body parsing with the 1 MiB cap and the error body
 * for parser errors, cookies, CORS, proxy trust, the `/api` prefix and the OpenAPI document.
 * The app must be created with `{ bodyParser: false }`.
 */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  const config = app.get<AppConfig>(APP_CONFIG);
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.TRUST_PROXY);
  app.disable('x-powered-by');
  app.use((req: Request, res: Response, next: NextFunction) => {
    assignRequestId(req, res);
    next();
  });
  // Nest's own not-found handler is mounted under the global prefix; everything else is ours too.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/api' || req.path.startsWith('/api/')) return next();
    res.status(404).json(NOT_FOUND_BODY);
  });
  // JSON API responses are not revalidated by clients: skip hashing every body for an ETag.
  app.set('etag', false);
  if (config.CORS_ORIGINS.length > 0) app.enableCors({ origin: config.CORS_ORIGINS, credentials: true });
  app.use(
    express.json({
      limit: MAX_BODY_BYTES,
      type: ['application/json', 'application/*+json'],
      verify: (req: Request, _res, buf) => {
        req.rawBody = buf;
      },
    }),
  );
  app.use(rejectUnsupportedMediaType);
  // Parser errors happen before any Nest route, so they get the error body here.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const response = toErrorResponse(error);
    res.status(response.status).set(response.headers).json(response.body);
  });
  app.use(cookieParser());
  app.setGlobalPrefix('api');
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Users API')
      .setDescription("PostHog's Users API: users, personal API keys, signal autonomy and personal GitHub integrations.")
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Personal API key (phx_…)' }, 'personal_api_key')
      .addCookieAuth('sessionid', { type: 'apiKey', in: 'cookie', name: 'sessionid' }, 'session')
      .addSecurityRequirements('personal_api_key')
      .addSecurityRequirements('session')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/schema', yamlDocumentUrl: 'api/schema.yaml' });
  return app;
}

/** A body that is neither absent nor JSON is a 415 (the API speaks JSON only). */
function rejectUnsupportedMediaType(req: Request, res: Response, next: NextFunction): void {
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || req.body !== undefined && req.is('json')) return next();
  if (!req.headers['content-type'] || req.is('json')) return next();
  const body = {
    type: 'invalid_request',
    code: 'unsupported_media_type',
    detail: `Unsupported media type "${req.headers['content-type']}" in request.`,
    attr: null,
  };
  res.status(415).json(body);
}
