import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { notFound, validationError, type Page, type PageRequest } from '#libs/core';
import { hydrate } from '#libs/database';
import { User } from '#libs/users';
import { generateApiKeyValue, hashApiKeyValue, maskApiKeyValue } from './api-key-value.js';
import { PersonalApiKey } from './personal-api-key.entity.js';
import { isScope } from './scopes.js';

const LAST_USED_RESOLUTION_MS = 3600_000;

export interface NewApiKeyInput {
  label: unknown;
  scopes: unknown;
}

@Injectable()
export class ApiKeysService {
  constructor(@InjectRepository(PersonalApiKey) private readonly keys: Repository<PersonalApiKey>) {}

  /** Creates a key; the returned `value` is the only time the plaintext exists. */
  async create(userId: number, input: NewApiKeyInput): Promise<{ key: PersonalApiKey; value: string }> {
    const label = typeof input.label === 'string' ? input.label.trim() : input.label;
    if (label === undefined || label === null) throw validationError('required', 'This field is required.', 'label');
    if (typeof label !== 'string') throw validationError('invalid_input', 'Not a valid string.', 'label');
    if (label.length === 0) throw validationError('blank', 'This field may not be blank.', 'label');
    if (label.length > 40) throw validationError('max_length', 'Ensure this field has no more than 40 characters.', 'label');
    const scopes = input.scopes;
    if (scopes === undefined || scopes === null) throw validationError('required', 'This field is required.', 'scopes');
    if (!Array.isArray(scopes) || scopes.length === 0) {
      throw validationError('invalid_input', 'Scopes must be a non-empty list.', 'scopes');
    }
    const unknown = scopes.find((s) => !isScope(s));
    if (unknown !== undefined) {
      throw validationError('invalid_input', `Invalid scope: ${JSON.stringify(unknown)}.`, 'scopes');
    }
    const value = generateApiKeyValue();
    const key = await this.keys.save(
      this.keys.create({
        userId,
        label,
        scopes: [...new Set(scopes as string[])],
        secureValue: hashApiKeyValue(value),
        maskValue: maskApiKeyValue(value),
      }),
    );
    return { key, value };
  }

  async list(userId: number, page: PageRequest): Promise<Page<PersonalApiKey>> {
    const [items, count] = await this.keys.findAndCount({
      where: { userId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { count, items };
  }

  async countForUser(userId: number): Promise<number> {
    const [row] = (await this.keys.query('SELECT count(*)::int AS n FROM personal_api_keys WHERE user_id = $1', [userId])) as Array<{ n: number }>;
    return row!.n;
  }

  /** How many keys each of `userIds` has (users without keys are absent), in one query. */
  async countForUsers(userIds: number[]): Promise<Map<number, number>> {
    if (userIds.length === 0) return new Map();
    const rows = (await this.keys.manager.connection.query(
      'SELECT user_id, count(*) AS count FROM personal_api_keys WHERE user_id = ANY($1::int[]) GROUP BY user_id',
      [userIds],
    )) as { user_id: number; count: string }[];
    return new Map(rows.map((r) => [Number(r.user_id), Number(r.count)]));
  }

  async delete(userId: number, id: string): Promise<void> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
    const result = isUuid ? await this.keys.delete({ id, userId }) : { affected: 0 };
    if (!result.affected) throw notFound();
  }

  /**
   * The key and its active user, or null. `last_used_at` is written at most once an hour per key,
   * and conditionally, so concurrent replicas do not both write it.
   */
  async authenticate(value: string): Promise<{ key: PersonalApiKey; user: User } | null> {
    // Every API-key request runs this: one short query rather than the query builder's (see bench/).
    const dataSource = this.keys.manager.connection;
    const [row] = (await dataSource.query(
      'SELECT to_jsonb(k) AS key, to_jsonb(u) AS "user" FROM personal_api_keys k JOIN users u ON u.id = k.user_id WHERE k.secure_value = $1',
      [hashApiKeyValue(value)],
    )) as Array<{ key: Record<string, unknown>; user: Record<string, unknown> }>;
    if (!row) return null;
    const key = hydrate(dataSource, PersonalApiKey, row.key);
    key.user = hydrate(dataSource, User, row.user);
    if (!key.user.isActive) return null;
    const now = Date.now();
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      await this.keys
        .createQueryBuilder()
        .update()
        .set({ lastUsedAt: () => 'now()' })
        .where('id = :id', { id: key.id })
        .andWhere("(last_used_at IS NULL OR last_used_at <= now() - interval '1 hour')")
        .execute();
    }
    return { key, user: key.user };
  }
}
