import type { INestApplicationContext } from '@nestjs/common';
import { z } from 'zod';
import { parseOrThrow } from '#libs/core';
import { organizationName, OrganizationsService } from '#libs/organizations';
import { UsersService } from '#libs/users';
import { optionRules, required } from '../cli-error.js';
import { findUserByEmail } from './find-user.js';

export const orgsCreateOptions = { name: { type: 'string' }, owner: { type: 'string' } } as const;

export async function orgsCreate(app: INestApplicationContext, values: Record<string, unknown>) {
  const { name } = optionRules(() => parseOrThrow(z.object({ name: organizationName }), { name: required(values, 'name') }));
  const owner = await findUserByEmail(app, required(values, 'owner'));
  const { organization, team } = await app.get(OrganizationsService).create(name, owner.id);
  if (owner.currentOrganizationId === null) {
    await app.get(UsersService).update(owner, { currentOrganizationId: organization.id, currentTeamId: team.id });
  }
  return { id: organization.id, name: organization.name, slug: organization.slug, team_id: team.id };
}
