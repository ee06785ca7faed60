import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Public } from '#libs/auth';
import { DomainError } from '#libs/core';
import { ProcessLifecycle, ReadinessProbe } from '#libs/runtime';
import { openApiSchema } from '../http/openapi-schema.js';

const up = z.object({ status: z.literal('up') });
const readyBody = z.object({
  status: z.literal('ok'),
  info: z.object({ postgres: up, redis: up }),
  error: z.object({}),
  details: z.object({ postgres: up, redis: up }),
});

/** Liveness and readiness probes (public). */
@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: ReadinessProbe,
    private readonly lifecycle: ProcessLifecycle,
  ) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Liveness: the process answers.' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis answer, and the process is not shutting down.' })
  @ApiOkResponse({ schema: openApiSchema(readyBody) })
  async ready(): Promise<z.infer<typeof readyBody>> {
    // From SIGTERM on, load balancers must stop sending work here (docs/operations.md, Shutdown).
    if (this.lifecycle.shuttingDown) throw new DomainError('unavailable', 'not_ready', 'Not ready: shutting down.');
    const report = await this.readiness.check();
    if (!report.ready) {
      const down = (['postgres', 'redis'] as const).filter((name) => report[name] === 'down').join(', ');
      throw new DomainError('unavailable', 'not_ready', `Not ready: ${down} unavailable.`);
    }
    const info = { postgres: { status: 'up' as const }, redis: { status: 'up' as const } };
    return { status: 'ok', info, error: {}, details: info };
  }
}
