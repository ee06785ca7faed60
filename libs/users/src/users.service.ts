import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { IsNull, QueryFailedError, type FindOptionsWhere, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { isUuid, validationError, type Page, type PageRequest } from '#libs/core';
import { hydrate } from '#libs/database';
import { hashPassword } from './passwords.js';
import { NOTIFICATION_MAP_KEYS } from './validation/notification-settings-update.js';
import { User } from './user.entity.js';

/** Filters of the user list; `onlyId` narrows it to one user (non-staff callers). */
export interface UserListFilter {
  onlyId?: number;
  email?: string;
  isStaff?: boolean;
}

const EMAIL_TAKEN = 'There is already an account with this email address.';

export interface NewUser {
  email: string;
  password?: string | null;
  firstName?: string;
  lastName?: string;
  isStaff?: boolean;
  /** null (the default) is a legacy account, treated as verified. */
  isEmailVerified?: boolean | null;
}


@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  findActiveById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id, isActive: true });
  }

  async findActiveByUuid(uuid: string): Promise<User | null> {
    if (!isUuid(uuid)) return null;
    return this.users.findOneBy({ uuid, isActive: true });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
  }

  async create(input: NewUser): Promise<User> {
    const email = input.email.trim().toLowerCase();
    if (await this.findByEmail(email)) {
      throw validationError('unique', EMAIL_TAKEN, 'email');
    }
    const user = this.users.create({
      email,
      password: input.password ? await hashPassword(input.password) : null,
      firstName: input.firstName ?? '',
      lastName: input.lastName ?? '',
      isStaff: input.isStaff ?? false,
      isEmailVerified: input.isEmailVerified ?? null,
      distinctId: randomUUID(),
    });
    const saved = await this.users.save(user);
    return (await this.users.findOneByOrFail({ id: saved.id }));
  }

  /** Persists the given columns of `user` (and mirrors them on the object). */
  async update(user: User, changes: Partial<User>): Promise<User> {
    await this.users.update({ id: user.id }, changes as QueryDeepPartialEntity<User>);
    return Object.assign(user, changes);
  }

  /**
   * Compare-and-set: writes `changes` only while the columns named in `unchanged` still hold the
   * values `user` was read with, in one UPDATE. False (nothing written) when another write came
   * first, so of concurrent callers holding the same read exactly one wins.
   */
  async updateIfUnchanged(user: User, unchanged: readonly (keyof User)[], changes: Partial<User>): Promise<boolean> {
    const where: Record<string, unknown> = { id: user.id };
    for (const column of unchanged) where[column] = user[column] ?? IsNull();
    const result = await this.users.update(where as FindOptionsWhere<User>, changes as QueryDeepPartialEntity<User>);
    if (!result.affected) return false;
    Object.assign(user, changes);
    return true;
  }

  /**
   * Active users matching `filter`, ordered by id: one page of them and the total, in short
   * hand-written SQL (see bench/). A short page already tells the count, so the count query runs
   * only for a full page or one past the end.
   */
  async list(filter: UserListFilter, page: PageRequest): Promise<Page<User>> {
    const conditions = ['is_active'];
    const params: unknown[] = [];
    const where = (sql: (param: string) => string, value: unknown) => {
      params.push(value);
      conditions.push(sql(`$${params.length}`));
    };
    if (filter.onlyId !== undefined) where((p) => `id = ${p}`, filter.onlyId);
    if (filter.email !== undefined) where((p) => `lower(email) = lower(${p})`, filter.email);
    if (filter.isStaff !== undefined) where((p) => `is_staff = ${p}`, filter.isStaff);
    const from = `FROM users WHERE ${conditions.join(' AND ')}`;
    const dataSource = this.users.manager.connection;
    const rows = (await dataSource.query(`SELECT * ${from} ORDER BY id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [
      ...params,
      page.limit,
      page.offset,
    ])) as Record<string, unknown>[];
    const items = rows.map((row) => hydrate(dataSource, User, row));
    if (items.length < page.limit && (items.length > 0 || page.offset === 0)) return { count: page.offset + items.length, items };
    const [{ count }] = (await dataSource.query(`SELECT count(*) AS count ${from}`, params)) as [{ count: string }];
    return { count: Number(count), items };
  }

  /** Whether another user (active or not) already has `email`, compared case-insensitively. */
  async isEmailTaken(email: string, exceptUserId: number): Promise<boolean> {
    const found = await this.findByEmail(email);
    return found !== null && found.id !== exceptUserId;
  }

  /**
   * Persists `changes`; a concurrent request that took the same email in the meantime is reported
   * as the same `unique` error the validation gives.
   */
  async applyUpdate(user: User, changes: Partial<User>, notificationSettings: Record<string, unknown> | null = null): Promise<User> {
    if (Object.keys(changes).length === 0 && notificationSettings === null) return user;
    try {
      if (Object.keys(changes).length > 0) await this.update(user, changes);
      if (notificationSettings !== null) await this.mergeNotificationSettings(user, notificationSettings);
      return user;
    } catch (error) {
      const driverError = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : null;
      if (driverError?.code === '23505' && driverError.constraint === 'users_email_lower_key') {
        throw validationError('unique', EMAIL_TAKEN, 'email');
      }
      throw error;
    }
  }

  /**
   * Merges a validated partial `notification_settings` update into the stored one in a single
   * UPDATE, so that concurrent PATCHes never overwrite each other's keys (docs/api.md): top-level
   * keys are replaced, the `{id: bool}` maps are merged id by id.
   */
  async mergeNotificationSettings(user: User, update: Record<string, unknown>): Promise<void> {
    const rows = (await this.users.query(
      `UPDATE users u SET partial_notification_settings =
         COALESCE(u.partial_notification_settings, '{}'::jsonb) || $2::jsonb || (
           SELECT COALESCE(jsonb_object_agg(e.key,
             CASE WHEN jsonb_typeof(u.partial_notification_settings -> e.key) = 'object'
                  THEN (u.partial_notification_settings -> e.key) || e.value ELSE e.value END), '{}'::jsonb)
           FROM jsonb_each($2::jsonb) AS e(key, value)
           WHERE e.key = ANY($3::text[]) AND jsonb_typeof(e.value) = 'object')
       WHERE u.id = $1 RETURNING u.partial_notification_settings AS settings`,
      [user.id, JSON.stringify(update), [...NOTIFICATION_MAP_KEYS]],
    )) as [[{ settings: Record<string, unknown> }], number] | [{ settings: Record<string, unknown> }];
    const returned = Array.isArray(rows[0]) ? rows[0][0] : rows[0];
    if (returned) user.partialNotificationSettings = returned.settings;
  }

  /** Sets `credentials_reviewed_at` once; later calls keep the first timestamp. */
  async markCredentialsReviewed(user: User): Promise<void> {
    await this.users
      .createQueryBuilder()
      .update()
      .set({ credentialsReviewedAt: () => 'now()' })
      .where('id = :id AND credentials_reviewed_at IS NULL', { id: user.id })
      .execute();
  }
}
