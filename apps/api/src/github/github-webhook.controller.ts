import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '#libs/auth';
import { DomainError } from '#libs/core';
import { WebhooksService } from '#libs/github';

/** GitHub App webhooks: verified, de-duplicated, answered at once, handled by the worker. */
@ApiTags('integrations')
@Controller('integrations/github/webhook')
export class GithubWebhookController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Public()
  @HttpCode(202)
  @ApiOperation({ summary: 'Receive a GitHub App webhook (X-Hub-Signature-256 over the raw JSON body).' })
  @ApiAcceptedResponse({ description: '{"status": "accepted"} or {"status": "duplicate"} for a delivery already received.' })
  async receive(
    @Req() req: FastifyRequest,
    @Headers('x-hub-signature-256') signature: string | undefined,
    @Headers('x-github-event') event: string | undefined,
    @Headers('x-github-delivery') delivery: string | undefined,
  ): Promise<{ status: 'accepted' | 'duplicate' }> {
    if (!this.webhooks.verify(req.rawBody, signature)) {
      throw new DomainError('authentication_failed', 'authentication_failed', 'Invalid or missing webhook signature.');
    }
    return { status: await this.webhooks.accept(delivery, event ?? '', req.body, req.rawBody!) };
  }
}
