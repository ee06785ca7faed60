import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AccountNotifier, UsersService, type AccountNotice } from '#libs/users';
import { Mailer } from './mailer.js';

/**
 * Security notices to the account address (the `AccountNotifier` seam of libs/users). Skipped
 * silently when e-mail is not available; never throws.
 */
@Injectable()
export class MailAccountNotifier extends AccountNotifier {
  constructor(
    private readonly users: UsersService,
    private readonly mailer: Mailer,
  ) {
    super();
  }

  async notify(userId: number, notice: AccountNotice): Promise<void> {
    if (!this.mailer.available) return;
    const user = await this.users.findActiveById(userId).catch(() => null);
    if (!user) return;
    await this.mailer.send(notice, user.email, {}, `${notice}.${userId}.${randomUUID()}`);
  }
}
