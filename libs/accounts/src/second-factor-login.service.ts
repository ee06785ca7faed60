import { Injectable } from '@nestjs/common';
import { SecondFactorService, type SecondFactorAnswer, type SecondFactorLogin } from '#libs/auth';
import { AccountNotifier } from '#libs/users';

/** `POST /api/login/token`: the second step, and the notice when a backup code was spent. */
@Injectable()
export class SecondFactorLoginService {
  constructor(
    private readonly secondFactor: SecondFactorService,
    private readonly notifier: AccountNotifier,
  ) {}

  async complete(pendingId: string | undefined, answer: SecondFactorAnswer, ip: string): Promise<SecondFactorLogin> {
    const done = await this.secondFactor.complete(pendingId, answer, ip);
    if (done.usedBackupCode) await this.notifier.notify(done.user.id, 'backup_code_used');
    return done;
  }
}
