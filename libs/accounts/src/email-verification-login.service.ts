import { Injectable } from '@nestjs/common';
import { SecondFactorService, SessionsService, type Session } from '#libs/auth';
import { EmailVerificationService } from '#libs/mail';
import type { User } from '#libs/users';

/** What `verify_email` opens: a session, or the pending login of a user with 2FA. */
export type VerifiedLogin = { kind: 'session'; user: User; session: Session } | { kind: 'second_factor'; pendingId: string };

/**
 * `POST /api/users/verify_email/` (docs/api.md, E-mail verification): the code confirms the address,
 * and it is also a way in, so it respects 2FA like a password login does.
 */
@Injectable()
export class EmailVerificationLoginService {
  constructor(
    private readonly verification: EmailVerificationService,
    private readonly secondFactor: SecondFactorService,
    private readonly sessions: SessionsService,
  ) {}

  async verify(uuid: unknown, code: unknown, ip: string, cookies: Record<string, string | undefined>): Promise<VerifiedLogin> {
    const { user } = await this.verification.verify(uuid, code, ip);
    if (await this.secondFactor.required(user, cookies)) return { kind: 'second_factor', pendingId: await this.secondFactor.start(user) };
    return { kind: 'session', user, session: await this.sessions.create(user.id) };
  }
}
