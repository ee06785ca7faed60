import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { MembershipLevel, OrganizationsService, Team, type CreatedOrganization } from '#libs/organizations';
import type { User } from '#libs/users';
import { createOrganization, createUser, loggedInUser, type SessionClient } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { expectError, snapshot, validation } from './helpers.js';

describe('PATCH /api/users/@me/: current organization and team', () => {
  let t: TestApp;
  let user: User;
  let client: SessionClient;
  let home: CreatedOrganization;
  let other: CreatedOrganization;
  let otherSecondTeam: Team;
  let foreign: CreatedOrganization;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    ({ user, client } = await loggedInUser(t.app));
    home = await createOrganization(t.app, user, 'Home');
    const organizations = t.app.get(OrganizationsService);
    const owner = await createUser(t.app);
    other = await organizations.create('Other', owner.id);
    await organizations.addMember(other.organization.id, user.id, MembershipLevel.Member);
    otherSecondTeam = await t.dataSource.getRepository(Team).save({
      organizationId: other.organization.id,
      name: 'Local Team',
      apiToken: `phc_${randomBytes(16).toString('hex')}`,
    });
    foreign = await organizations.create('Foreign', owner.id);
  });
  afterAll(() => t.close());

  async function refused(body: object, code: string, detail: string, attr: string): Promise<void> {
    const before = await snapshot(t, user.id);
    expectError(await client.patch('/api/users/@me/', body), 400, validation(code, detail, attr));
    expect(await snapshot(t, user.id)).toEqual(before);
  }

  it('moves to another organization and its first team', async () => {
    const res = await client.patch('/api/users/@me/', { set_current_organization: other.organization.id }).expect(200);
    expect(res.body.organization).toMatchObject({ id: other.organization.id, name: 'Other', membership_level: 1 });
    expect(res.body.team.id).toBe(other.team.id);
  });

  it('moves to a team and its organization', async () => {
    const res = await client.patch('/api/users/@me/', { set_current_team: otherSecondTeam.id }).expect(200);
    expect(res.body.team).toMatchObject({ id: otherSecondTeam.id, name: 'Local Team' });
    expect(res.body.organization.id).toBe(other.organization.id);
    // A team id may come as a decimal string too.
    const back = await client.patch('/api/users/@me/', { set_current_team: String(home.team.id) }).expect(200);
    expect(back.body.team.id).toBe(home.team.id);
  });

  it('accepts both when the team is in that organization', async () => {
    const res = await client
      .patch('/api/users/@me/', { set_current_organization: other.organization.id, set_current_team: otherSecondTeam.id })
      .expect(200);
    expect(res.body.team.id).toBe(otherSecondTeam.id);
    expect(res.body.organization.id).toBe(other.organization.id);
  });

  it('refuses a team of another of the user’s organizations', () =>
    refused(
      { set_current_organization: home.organization.id, set_current_team: otherSecondTeam.id },
      'invalid_input',
      'Team must belong to the same organization in set_current_organization.',
      'set_current_team',
    ));

  it('refuses an organization the user does not belong to', () =>
    refused(
      { set_current_organization: foreign.organization.id },
      'does_not_exist',
      `Object with id=${foreign.organization.id} does not exist.`,
      'set_current_organization',
    ));

  it('refuses a team of an organization the user does not belong to', () =>
    refused({ set_current_team: foreign.team.id }, 'does_not_exist', `Object with id=${foreign.team.id} does not exist.`, 'set_current_team'));

  it.each([
    ['set_current_team', 3983838, 'Object with id=3983838 does not exist.'],
    ['set_current_team', 'abc', 'Object with id=abc does not exist.'],
    ['set_current_team', 99999999999, 'Object with id=99999999999 does not exist.'],
    ['set_current_team', 1.5, 'Object with id=1.5 does not exist.'],
    ['set_current_team', null, 'Object with id=null does not exist.'],
    ['set_current_organization', '5d3c9f8e-0000-4000-8000-000000000000', 'Object with id=5d3c9f8e-0000-4000-8000-000000000000 does not exist.'],
    ['set_current_organization', 'not-a-uuid', 'Object with id=not-a-uuid does not exist.'],
    ['set_current_organization', 12, 'Object with id=12 does not exist.'],
    ['set_current_organization', { id: 1 }, 'Object with id=<dict> does not exist.'],
  ])('refuses %s %j as does_not_exist', (attr, value, detail) => refused({ [attr]: value }, 'does_not_exist', detail, attr));
});
