import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfigOrExit } from '#libs/config';
import { ApiModule } from './api.module.js';
import { configureApp } from './configure-app.js';

const config = loadConfigOrExit();
const app = await NestFactory.create<NestExpressApplication>(ApiModule, { bodyParser: false, bufferLogs: true });
configureApp(app);
await app.listen(config.PORT);
