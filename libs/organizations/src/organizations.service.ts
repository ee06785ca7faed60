import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { isUuid, notFound, permissionDenied, type Page, type PageRequest } from '#libs/core';
import { hydrate } from '#libs/database';
import { Membership, MembershipLevel } from './membership.entity.js';
import { Organization } from './organization.entity.js';
import { Team } from './team.entity.js';


export interface CreatedOrganization {
  organization: Organization;
  team: Team;
}

/** A membership with its organization loaded. */
export type MembershipWithOrganization = Membership & { organization: Organization };

@Injectable()
export class OrganizationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(Team) private readonly teams: Repository<Team>,
    @InjectRepository(Membership) private readonly memberships: Repository<Membership>,
  ) {}

  /**
   * Creates the organization, its "Default project" team and the owner's membership, atomically.
   * `name` is one `organizationName` accepted (the route's and the CLI's schema).
   */
  async create(name: string, ownerUserId: number): Promise<CreatedOrganization> {
    return this.dataSource.transaction(async (tx) => {
      const organization = await this.insertWithFreeSlug(tx, name);
      const team = await tx.save(
        tx.create(Team, {
          organizationId: organization.id,
          name: 'Default project',
          apiToken: `phc_${randomBytes(32).toString('base64url').replace(/[-_]/g, '').slice(0, 43)}`,
        }),
      );
      await tx.save(tx.create(Membership, { organizationId: organization.id, userId: ownerUserId, level: MembershipLevel.Owner }));
      return { organization, team: await tx.findOneByOrFail(Team, { id: team.id }) };
    });
  }

  findById(id: string): Promise<Organization | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.organizations.findOneBy({ id });
  }

  /** The user's memberships, oldest first, with their organizations. */
  membershipsOf(userId: number): Promise<MembershipWithOrganization[]> {
    return this.membershipsOfUsers([userId]);
  }

  /**
   * The memberships of several users at once (oldest first), with their organizations: one short
   * query on every user body and page of users, rather than the query builder's (see bench/).
   */
  async membershipsOfUsers(userIds: number[]): Promise<MembershipWithOrganization[]> {
    if (userIds.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT to_jsonb(m) AS membership, to_jsonb(o) AS organization
       FROM organization_memberships m JOIN organizations o ON o.id = m.organization_id
       WHERE m.user_id = ANY($1::int[]) ORDER BY m.joined_at, m.id`,
      [userIds],
    )) as Array<{ membership: Record<string, unknown>; organization: Record<string, unknown> }>;
    return rows.map((row) => {
      const membership = hydrate(this.dataSource, Membership, row.membership) as MembershipWithOrganization;
      membership.organization = hydrate(this.dataSource, Organization, row.organization);
      return membership;
    });
  }

  /** Every team of the given organizations plus the given teams, by id, in one query. */
  async teamsOfOrganizationsOrIds(organizationIds: string[], teamIds: number[]): Promise<Team[]> {
    if (organizationIds.length === 0 && teamIds.length === 0) return [];
    const rows = (await this.dataSource.query(
      'SELECT * FROM teams WHERE organization_id = ANY($1::uuid[]) OR id = ANY($2::int[]) ORDER BY id',
      [organizationIds, teamIds],
    )) as Record<string, unknown>[];
    return rows.map((row) => hydrate(this.dataSource, Team, row));
  }

  /** The user's memberships, oldest first; `onlyIds` narrows them (a key scoped to organizations). */
  async listForUser(userId: number, page: PageRequest, onlyIds: string[] | null = null): Promise<Page<MembershipWithOrganization>> {
    const [items, count] = await this.memberships.findAndCount({
      where: onlyIds ? { userId, organizationId: In(onlyIds.filter((id) => isUuid(id))) } : { userId },
      relations: { organization: true },
      order: { joinedAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { count, items: items as MembershipWithOrganization[] };
  }

  membership(organizationId: string, userId: number): Promise<Membership | null> {
    if (!isUuid(organizationId)) return Promise.resolve(null);
    return this.memberships.findOneBy({ organizationId, userId });
  }

  countMemberships(userId: number): Promise<number> {
    return this.memberships.countBy({ userId });
  }

  async teamsOf(organizationId: string): Promise<Team[]> {
    if (!isUuid(organizationId)) return [];
    const rows = (await this.dataSource.query('SELECT to_jsonb(t) AS team FROM teams t WHERE t.organization_id = $1 ORDER BY t.id', [organizationId])) as Array<{ team: Record<string, unknown> }>;
    return rows.map((row) => hydrate(this.dataSource, Team, row.team));
  }

  async findTeam(id: number): Promise<Team | null> {
    const [row] = (await this.dataSource.query('SELECT to_jsonb(t) AS team FROM teams t WHERE t.id = $1', [id])) as Array<{ team: Record<string, unknown> }>;
    return row ? hydrate(this.dataSource, Team, row.team) : null;
  }

  /** Deletes the organization with its teams and memberships; only an owner may. */
  async delete(organizationId: string, userId: number): Promise<void> {
    const membership = await this.membership(organizationId, userId);
    if (!membership) throw notFound();
    if (membership.level !== MembershipLevel.Owner) {
      throw permissionDenied('Only organization owners can delete the organization.');
    }
    await this.organizations.delete({ id: organizationId });
  }

  /**
   * Adds (or changes the level of) a member. A user without a current organization gets this one
   * and its first team, saved here so that reading the user never writes (docs/api.md, Users).
   */
  async addMember(organizationId: string, userId: number, level: MembershipLevel): Promise<Membership> {
    if (!(await this.findById(organizationId))) throw notFound('Organization not found.');
    await this.memberships.upsert({ organizationId, userId, level }, ['organizationId', 'userId']);
    await this.dataSource.query(
      `UPDATE users SET current_organization_id = $1,
         current_team_id = (SELECT t.id FROM teams t WHERE t.organization_id = $1 ORDER BY t.id LIMIT 1)
       WHERE id = $2 AND current_organization_id IS NULL`,
      [organizationId, userId],
    );
    return this.memberships.findOneByOrFail({ organizationId, userId });
  }

  /**
   * Inserts the organization under its name's slug, or the one after the highest taken (`acme`, `acme-2`,
   * `acme-3`, …; docs/api.md).
   * `ON CONFLICT DO NOTHING` waits for a concurrent insert of the same slug and then moves on to the
   * next one instead of failing, so parallel creates with one name all succeed without aborting the
   * transaction.
   */
  private async insertWithFreeSlug(tx: EntityManager, name: string): Promise<Organization> {
    const base = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'org';
    // The base has only [a-z0-9-], so it is safe inside the pattern.
    const [{ highest }] = (await tx.query(
      `SELECT max(CASE WHEN slug = $1 THEN 1 ELSE substring(slug FROM length($1) + 2)::bigint END) AS highest
       FROM organizations WHERE slug = $1 OR slug ~ ('^' || $1 || '-[0-9]{1,6}$')`,
      [base],
    )) as [{ highest: string | null }];
    for (let n = highest === null ? 1 : Number(highest) + 1; ; n++) {
      const slug = n === 1 ? base : `${base}-${n}`;
      const rows = (await tx.query(
        'INSERT INTO organizations (name, slug) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING RETURNING id',
        [name, slug],
      )) as { id: string }[];
      if (rows.length === 1) return tx.findOneByOrFail(Organization, { id: rows[0].id });
    }
  }
}
