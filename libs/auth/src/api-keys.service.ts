import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { isUuid, notFound, permissionDenied, validationError, type Page, type PageRequest } from '#libs/core';
import { hydrate } from '#libs/database';
import { OrganizationsService } from '#libs/organizations';
import { User } from '#libs/users';
import type { ApiKeyFields, ApiKeyUpdate } from './api-key-fields.js';
import { generateApiKeyValue, hashApiKeyValue, maskApiKeyValue } from './api-key-value.js';
import { PersonalApiKey } from './personal-api-key.entity.js';

const LAST_USED_RESOLUTION_MS = 3600_000;
export const MAX_API_KEYS_PER_USER = 10;

export interface NewApiKeyInput {
  label: string;
  scopes: string[];
  scopedTeams?: number[];
  scopedOrganizations?: string[];
}

export interface CreateOptions {
  /**
   * The user creates their own first key from their session: nothing to review, so
   * `credentials_reviewed_at` is set (docs/api.md). Not for keys an operator makes for someone.
   */
  marksCredentialsReviewed?: boolean;
}

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(PersonalApiKey) private readonly keys: Repository<PersonalApiKey>,
    private readonly organizations: OrganizationsService,
  ) {}

  /**
   * Creates a key; the returned `value` is the only time the plaintext exists. The user row is
   * locked for the count and the insert, so parallel creates never pass the limit. The label and
   * scopes arrive validated (the route's schema, or the CLI's option checks); only the rules that
   * need the database are checked here.
   */
  async create(userId: number, input: NewApiKeyInput, options: CreateOptions = {}): Promise<{ key: PersonalApiKey; value: string }> {
    const scopedTeams = input.scopedTeams ?? [];
    const scopedOrganizations = input.scopedOrganizations ?? [];
    await this.assertScopingAllowed(userId, { scoped_teams: scopedTeams, scoped_organizations: scopedOrganizations });
    const value = generateApiKeyValue();
    const key = await this.keys.manager.transaction(async (tx) => {
      await lockUser(tx, userId);
      const [{ n }] = (await tx.query('SELECT count(*)::int AS n FROM personal_api_keys WHERE user_id = $1', [userId])) as [{ n: number }];
      if (n >= MAX_API_KEYS_PER_USER) {
        throw validationError('invalid_input', `You can only have ${MAX_API_KEYS_PER_USER} personal API keys. Remove an existing key before creating a new one.`);
      }
      const saved = await tx.save(
        tx.create(PersonalApiKey, {
          userId,
          label: input.label,
          scopes: [...new Set(input.scopes)],
          scopedTeams,
          scopedOrganizations,
          secureValue: hashApiKeyValue(value),
          maskValue: maskApiKeyValue(value),
          lastRolledAt: null,
          lastUsedAt: null,
        }),
      );
      if (options.marksCredentialsReviewed && n === 0) {
        await tx.query('UPDATE users SET credentials_reviewed_at = now() WHERE id = $1 AND credentials_reviewed_at IS NULL', [userId]);
      }
      return saved;
    });
    return { key, value };
  }

  /** The user's keys, newest first. */
  async list(userId: number, page: PageRequest): Promise<Page<PersonalApiKey>> {
    const [items, count] = await this.keys.findAndCount({
      where: { userId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: page.limit,
      skip: page.offset,
    });
    return { count, items };
  }

  /** One of the user's keys; anyone else's, an unknown or a malformed id is a 404. */
  async get(userId: number, id: string): Promise<PersonalApiKey> {
    const key = isUuid(id) ? await this.keys.findOneBy({ id, userId }) : null;
    if (!key) throw notFound();
    return key;
  }

  /**
   * What a key may read about keys: itself. Another key of the same user is a 403 (it exists, and
   * the caller proved to be that user); another user's key is a 404 like any unknown id.
   */
  async getAsKey(callerKey: PersonalApiKey, id: string): Promise<PersonalApiKey> {
    const key = await this.get(callerKey.userId, id);
    if (key.id !== callerKey.id) throw permissionDenied('A personal API key can only read itself.');
    return key;
  }

  async update(userId: number, id: string, changes: ApiKeyUpdate): Promise<PersonalApiKey> {
    const key = await this.get(userId, id);
    await this.assertScopingAllowed(userId, changes);
    if (changes.label !== undefined) key.label = changes.label;
    if (changes.scopes !== undefined) key.scopes = [...new Set(changes.scopes)];
    if (changes.scoped_teams !== undefined) key.scopedTeams = changes.scoped_teams;
    if (changes.scoped_organizations !== undefined) key.scopedOrganizations = changes.scoped_organizations;
    await this.keys.update({ id: key.id, userId }, {
      label: key.label,
      scopes: key.scopes,
      scopedTeams: key.scopedTeams,
      scopedOrganizations: key.scopedOrganizations,
    });
    return key;
  }

  /**
   * A new secret for the key. The lookup is by hash in the database on every request (no cache),
   * so the old value stops authenticating on every api process as soon as this commits.
   */
  async roll(userId: number, id: string): Promise<{ key: PersonalApiKey; value: string }> {
    const key = await this.get(userId, id);
    const value = generateApiKeyValue();
    const [row] = (await this.keys.query(
      `UPDATE personal_api_keys SET secure_value = $1, mask_value = $2, last_rolled_at = now()
       WHERE id = $3 AND user_id = $4 RETURNING to_jsonb(personal_api_keys) AS key`,
      [hashApiKeyValue(value), maskApiKeyValue(value), key.id, userId],
    )) as [Array<{ key: Record<string, unknown> }>, number];
    const updated = row[0];
    if (!updated) throw notFound();
    return { key: hydrate(this.keys.manager.connection, PersonalApiKey, updated.key), value };
  }

  async delete(userId: number, id: string): Promise<void> {
    const result = isUuid(id) ? await this.keys.delete({ id, userId }) : { affected: 0 };
    if (!result.affected) throw notFound();
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

  /**
   * The key and its active user, or null. Always read from the database (never cached), so a
   * rolled or deleted key fails at once. `last_used_at` is written at most once an hour per key,
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
      key.lastUsedAt = new Date(now);
    }
    return { key, user: key.user };
  }

  /** A key may be scoped only to organizations the user belongs to and teams of those. */
  private async assertScopingAllowed(userId: number, fields: Pick<ApiKeyFields, 'scoped_teams' | 'scoped_organizations'>): Promise<void> {
    const teams = fields.scoped_teams ?? [];
    const orgs = fields.scoped_organizations ?? [];
    if (teams.length === 0 && orgs.length === 0) return;
    const memberOf = new Set((await this.organizations.membershipsOf(userId)).map((m) => m.organizationId.toLowerCase()));
    if (teams.length > 0) {
      const own = new Set((await this.organizations.teamsOfOrganizationsOrIds([...memberOf], [])).map((t) => t.id));
      if (teams.some((id) => !own.has(id))) {
        throw validationError('invalid_input', 'You must be a member of all teams that you are scoping the key to.', 'scoped_teams');
      }
    }
    if (orgs.some((id) => !memberOf.has(id.toLowerCase()))) {
      throw validationError('invalid_input', 'You must be a member of all organizations that you are scoping the key to.', 'scoped_organizations');
    }
  }
}

/** Serializes every key write of one user (the limit's count and insert) on the user's row. */
async function lockUser(tx: EntityManager, userId: number): Promise<void> {
  const rows = (await tx.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [userId])) as unknown[];
  if (rows.length === 0) throw notFound();
}
