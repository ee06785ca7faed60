import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { REDIS, type RedisClient } from '#libs/redis';
import type { SendMailData } from './mail-jobs.js';
import { renderMail } from './templates.js';

/** What the worker does with the job: done, try again later, or give up (never retried). */
export type SendOutcome = { kind: 'sent' } | { kind: 'already_sent' } | { kind: 'retry'; reason: string } | { kind: 'stop'; reason: string };

/** Kept past any retry: a job retried after the server accepted its message sends nothing. */
const SENT_TTL_S = 7 * 24 * 3600;
const sentKey = (jobId: string) => `mail:sent:${jobId}`;

/** Errors nodemailer reports before any server verdict: the network or a timeout, worth retrying. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EPROTOCOL']);

/** A 4xx reply or a network failure is transient; a 5xx reply or a refused login is not. */
export function isTransientSmtpError(error: unknown): boolean {
  const e = error as { responseCode?: number; code?: string };
  if (typeof e.responseCode === 'number') return e.responseCode >= 400 && e.responseCode < 500;
  if (e.code === 'EAUTH' || e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return false;
  return e.code === undefined || TRANSIENT_CODES.has(e.code);
}

/** Renders and sends mail jobs over SMTP (the worker's side of libs/mail). */
@Injectable()
export class MailSender implements OnModuleDestroy {
  private readonly logger = new Logger(MailSender.name);
  private transport: Transporter | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  private transporter(): Transporter {
    const c = this.config;
    this.transport ??= createTransport({
      host: c.EMAIL_HOST,
      port: c.EMAIL_PORT,
      secure: c.EMAIL_USE_SSL,
      requireTLS: c.EMAIL_USE_TLS,
      // Without either TLS setting, plain SMTP as configured (no opportunistic STARTTLS surprise).
      ignoreTLS: !c.EMAIL_USE_TLS && !c.EMAIL_USE_SSL,
      auth: c.EMAIL_HOST_USER ? { user: c.EMAIL_HOST_USER, pass: c.EMAIL_HOST_PASSWORD } : undefined,
      connectionTimeout: c.EMAIL_TIMEOUT_MS,
      greetingTimeout: c.EMAIL_TIMEOUT_MS,
      socketTimeout: c.EMAIL_TIMEOUT_MS,
    });
    return this.transport;
  }

  /** Sends the job's message unless a previous attempt already got it accepted. */
  async send(jobId: string, data: SendMailData): Promise<SendOutcome> {
    if (await this.redis.exists(sentKey(jobId))) return { kind: 'already_sent' };
    const rendered = renderMail(data.template, data.params);
    if (!rendered) return { kind: 'stop', reason: `unknown mail template ${data.template}` };
    try {
      await this.transporter().sendMail({
        from: this.config.EMAIL_DEFAULT_FROM,
        to: data.to,
        replyTo: this.config.EMAIL_REPLY_TO || undefined,
        subject: rendered.subject,
        html: rendered.html,
        text: '',
      });
    } catch (error) {
      const e = error as { code?: string; responseCode?: number };
      // Never the message or the address: the message holds codes and links.
      const reason = `SMTP send failed (${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''})`;
      this.logger.warn(`${reason}, template ${data.template}`);
      return isTransientSmtpError(error) ? { kind: 'retry', reason } : { kind: 'stop', reason };
    }
    await this.redis.set(sentKey(jobId), '1', 'EX', SENT_TTL_S);
    return { kind: 'sent' };
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
