import { Module } from '@nestjs/common';
import { AuthModule } from '#libs/auth';
import { QueueModule } from '#libs/redis';
import { AccountNotifier, UsersModule } from '#libs/users';
import { MailAccountNotifier } from './account-notices.js';
import { MailSender } from './mail-sender.js';
import { EmailVerificationService } from './email-verification.service.js';
import { Mailer } from './mailer.js';
import { PasswordResetService } from './password-reset.service.js';

/** E-mail: the producer (api), the sender (worker) and the flows built on them. */
@Module({
  imports: [QueueModule, UsersModule, AuthModule],
  providers: [Mailer, MailSender, MailAccountNotifier, PasswordResetService, EmailVerificationService, { provide: AccountNotifier, useExisting: MailAccountNotifier }],
  exports: [Mailer, MailSender, MailAccountNotifier, PasswordResetService, EmailVerificationService],
})
export class MailModule {}
