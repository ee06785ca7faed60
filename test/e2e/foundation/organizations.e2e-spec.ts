import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { MembershipLevel, OrganizationsService } from '#libs/organizations';
import { createApiKey, createOrganization, createUser, loggedInUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const NOT_FOUND = { type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null };

describe('organizations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());
  const count = async (table: string) => Number((await t.dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

  describe('POST /api/organizations/', () => {
    it('creates the organization, a "Default project" team and an owner membership, and makes them current', async () => {
      const { user, client } = await loggedInUser(t.app);
      const res = await client.post('/api/organizations/', { name: '  Acme Corp ' }).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Acme Corp',
        slug: 'acme-corp',
        created_at: expect.stringMatching(/Z$/),
        membership_level: 15,
      });
      const [team] = await t.dataSource.query('SELECT * FROM teams WHERE organization_id = $1', [res.body.id]);
      expect(team).toMatchObject({ name: 'Default project', timezone: 'UTC' });
      expect(team.api_token).toMatch(/^phc_[0-9A-Za-z]{20,}$/);
      expect(await t.dataSource.query('SELECT level FROM organization_memberships WHERE organization_id = $1 AND user_id = $2', [res.body.id, user.id])).toEqual([{ level: 15 }]);

      const me = await client.get('/api/users/@me').expect(200);
      expect(me.body.organization).toMatchObject({ id: res.body.id, name: 'Acme Corp', membership_level: 15, teams: [{ id: team.id, name: 'Default project' }] });
      expect(me.body.team).toEqual({ id: team.id, uuid: team.uuid, organization: res.body.id, name: 'Default project', api_token: team.api_token, timezone: 'UTC' });
      expect(me.body.organizations).toEqual([{ id: res.body.id, name: 'Acme Corp', slug: 'acme-corp', membership_level: 15 }]);
    });

    it('moves the current organization to the newest one and keeps slugs unique', async () => {
      const user = await createUser(t.app);
      const key = await createApiKey(t.app, user, ['organization:write', 'user:read']);
      const first = await t.http().post('/api/organizations').set('Authorization', `Bearer ${key}`).send({ name: 'Acme' }).expect(201);
      const second = await t.http().post('/api/organizations').set('Authorization', `Bearer ${key}`).send({ name: 'Acme' }).expect(201);
      expect(second.body.slug).not.toBe(first.body.slug);
      expect(second.body.slug).toMatch(/^acme-/);
      const me = await t.http().get('/api/users/@me').set('Authorization', `Bearer ${key}`).expect(200);
      expect(me.body.organization.id).toBe(second.body.id);
      expect(me.body.organizations).toHaveLength(2);
    });

    it.each([
      [{}, 'required'],
      [{ name: '' }, 'blank'],
      [{ name: '   ' }, 'blank'],
      [{ name: 'x'.repeat(65) }, 'max_length'],
      [{ name: 12 }, 'invalid_input'],
    ])('refuses %j with 400 on name (nothing created)', async (body, code) => {
      const { client } = await loggedInUser(t.app);
      const res = await client.post('/api/organizations', body).expect(400);
      expect(res.body).toMatchObject({ type: 'validation_error', code, attr: 'name' });
      expect(await count('organizations')).toBe(0);
    });
  });

  describe('GET /api/organizations/', () => {
    it("lists the caller's organizations only, with the membership level, paginated", async () => {
      const { user, client } = await loggedInUser(t.app);
      const own = await createOrganization(t.app, user, 'Mine');
      const other = await createOrganization(t.app, await createUser(t.app), 'Theirs');
      const joined = await createOrganization(t.app, await createUser(t.app), 'Joined');
      await t.app.get(OrganizationsService).addMember(joined.organization.id, user.id, MembershipLevel.Admin);

      const res = await client.get('/api/organizations/').expect(200);
      expect(res.body).toMatchObject({ count: 2, next: null, previous: null });
      expect(res.body.results).toEqual([
        { id: own.organization.id, name: 'Mine', slug: 'mine', created_at: own.organization.createdAt.toISOString(), membership_level: 15 },
        expect.objectContaining({ id: joined.organization.id, name: 'Joined', membership_level: 8 }),
      ]);
      expect(res.text).not.toContain(other.organization.id);
      const page = await client.get('/api/organizations/?limit=1').expect(200);
      expect(page.body.results).toHaveLength(1);
      expect(page.body.next).toMatch(/\?limit=1&offset=1$/);
    });
  });

  describe('DELETE /api/organizations/<id>/', () => {
    it('lets the owner delete it with its teams and memberships (204)', async () => {
      const { user, client } = await loggedInUser(t.app);
      const { organization } = await createOrganization(t.app, user);
      await t.app.get(OrganizationsService).addMember(organization.id, (await createUser(t.app)).id, MembershipLevel.Member);
      const kept = await createOrganization(t.app, await createUser(t.app), 'Kept');
      const res = await client.delete(`/api/organizations/${organization.id}/`).expect(204);
      expect(res.text).toBe('');
      expect(await t.dataSource.query('SELECT id FROM organizations')).toEqual([{ id: kept.organization.id }]);
      expect(await count('teams')).toBe(1);
      expect(await count('organization_memberships')).toBe(1);
      // The user's current organization and team are cleared, and @me still answers.
      const me = await client.get('/api/users/@me').expect(200);
      expect(me.body).toMatchObject({ organization: null, team: null, organizations: [] });
    });

    it.each([MembershipLevel.Member, MembershipLevel.Admin])('refuses a non-owner (level %s) with 403, deleting nothing', async (level) => {
      const { user, client } = await loggedInUser(t.app);
      const { organization } = await createOrganization(t.app, await createUser(t.app));
      await t.app.get(OrganizationsService).addMember(organization.id, user.id, level);
      const res = await client.delete(`/api/organizations/${organization.id}/`).expect(403);
      expect(res.body).toEqual({ type: 'authentication_error', code: 'permission_denied', detail: 'Only organization owners can delete the organization.', attr: null });
      expect(await count('organizations')).toBe(1);
      expect(await count('organization_memberships')).toBe(2);
    });

    it('answers 404 for an unknown, a malformed, or someone else\'s organization', async () => {
      const { client } = await loggedInUser(t.app);
      const { organization } = await createOrganization(t.app, await createUser(t.app));
      expect((await client.delete('/api/organizations/00000000-0000-4000-8000-000000000000/').expect(404)).body).toEqual(NOT_FOUND);
      expect((await client.delete('/api/organizations/not-a-uuid/').expect(404)).body).toEqual(NOT_FOUND);
      expect((await client.delete(`/api/organizations/${organization.id}`).expect(404)).body).toEqual(NOT_FOUND);
      expect(await count('organizations')).toBe(1);
    });

    it('works with an organization:write key', async () => {
      const user = await createUser(t.app);
      const { organization } = await createOrganization(t.app, user);
      const readKey = await createApiKey(t.app, user, ['organization:read']);
      await t.http().delete(`/api/organizations/${organization.id}`).set('Authorization', `Bearer ${readKey}`).expect(403);
      const writeKey = await createApiKey(t.app, user, ['organization:write']);
      await t.http().delete(`/api/organizations/${organization.id}`).set('Authorization', `Bearer ${writeKey}`).expect(204);
      expect(await count('organizations')).toBe(0);
    });
  });
});
