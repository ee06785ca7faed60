import { Module } from '@nestjs/common';
import { QueueModule } from '#libs/redis';
import { UsersModule } from '#libs/users';
import { MailAccountNotifier } from './account-notices.js';
import { MailSender } from './mail-sender.js';
import { Mailer } from './mailer.js';

/** E-mail: the producer (api), the sender (worker) and the flows built on them. */
@Module({
  imports: [QueueModule, UsersModule],
  providers: [Mailer, MailSender, MailAccountNotifier],
  exports: [Mailer, MailSender, MailAccountNotifier],
})
export class MailModule {}
