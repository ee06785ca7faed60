import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { validationError } from '#libs/core';
import { hashPassword } from './passwords.js';
import { User } from './user.entity.js';

export interface NewUser {
  email: string;
  password?: string | null;
  firstName?: string;
  lastName?: string;
  isStaff?: boolean;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a syntactically valid uuid (so a malformed one is a 404, not a SQL error). */
export const isUuid = (value: string): boolean => UUID_RE.test(value);

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
      throw validationError('unique', 'There is already an account with this email address.', 'email');
    }
    const user = this.users.create({
      email,
      password: input.password ? await hashPassword(input.password) : null,
      firstName: input.firstName ?? '',
      lastName: input.lastName ?? '',
      isStaff: input.isStaff ?? false,
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
}
