import type { INestApplicationContext } from '@nestjs/common';
import { MembershipLevel, OrganizationsService } from '#libs/organizations';
import { CliError, required } from '../cli-error.js';
import { findUserByEmail } from './find-user.js';

export const orgsAddMemberOptions = { org: { type: 'string' }, email: { type: 'string' }, level: { type: 'string', default: '1' } } as const;

const LEVELS: readonly number[] = Object.values(MembershipLevel);

export async function orgsAddMember(app: INestApplicationContext, values: Record<string, unknown>) {
  const organizationId = required(values, 'org');
  const level = Number(values.level);
  if (!LEVELS.includes(level)) throw new CliError('--level must be 1 (member), 8 (admin) or 15 (owner)');
  const organizations = app.get(OrganizationsService);
  if (!(await organizations.findById(organizationId))) throw new CliError(`no organization with id ${organizationId}`);
  const user = await findUserByEmail(app, required(values, 'email'));
  const membership = await organizations.addMember(organizationId, user.id, level as MembershipLevel);
  return { organization_id: membership.organizationId, user_id: membership.userId, level: membership.level };
}
