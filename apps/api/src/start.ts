import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfigOrExit } from '#libs/config';
import { ApiModule } from './api.module.js';
import { configureApp, createHttpAdapter } from './configure-app.js';

const config = loadConfigOrExit();
const app = await NestFactory.create<NestFastifyApplication>(ApiModule, createHttpAdapter(config), { bodyParser: false, bufferLogs: true });
await configureApp(app);
// Fastify listens on localhost only unless told otherwise; the API serves every interface (Docker).
await app.listen(config.PORT, '0.0.0.0');
