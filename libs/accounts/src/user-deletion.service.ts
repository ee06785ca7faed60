import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { assertRecentlyAuthenticated, SessionsService, type AuthContext } from '#libs/auth';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { conflict } from '#libs/core';
import { Membership } from '#libs/organizations';
import { User, UserDeletionListener } from '#libs/users';

/** `DELETE /api/users/<uuid>/`: only a user without memberships is deleted, for good. */
@Injectable()
export class UserDeletionService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly listener: UserDeletionListener,
  ) {}

  async delete(auth: AuthContext, target: User): Promise<void> {
    assertRecentlyAuthenticated(auth, this.config.SENSITIVE_ACTION_MAX_AGE_S);
    await this.assertNoMemberships(target.id);
    await this.listener.beforeUserDeleted(target.id);
    await this.sessions.revokeAll(target.id);
    await this.dataSource.transaction(async (tx) => {
      // Locking the row makes a concurrent membership insert (which takes a key-share lock on it)
      // either finish first, and be seen here, or wait and then fail its foreign key.
      await tx.getRepository(User).createQueryBuilder('u').setLock('pessimistic_write').where('u.id = :id', { id: target.id }).getOne();
      await this.assertNoMemberships(target.id, tx.getRepository(Membership).countBy({ userId: target.id }));
      // Keys, memberships and other per-user rows go with it (ON DELETE CASCADE).
      await tx.getRepository(User).delete({ id: target.id });
    });
  }

  private async assertNoMemberships(
    userId: number,
    count: Promise<number> = this.dataSource.getRepository(Membership).countBy({ userId }),
  ): Promise<void> {
    if ((await count) > 0) throw conflict('Cannot delete user with organization memberships.');
  }
}
