/** Organizations, their teams (projects) and memberships; knows users only by id. */
export { OrganizationsModule } from './organizations.module.js';
export { OrganizationsService, type CreatedOrganization, type MembershipWithOrganization } from './organizations.service.js';
export { Organization } from './organization.entity.js';
export { Team } from './team.entity.js';
export { Membership, MembershipLevel } from './membership.entity.js';
export { organizationName } from './organization-name.js';
