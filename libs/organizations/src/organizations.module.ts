import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Membership } from './membership.entity.js';
import { Organization } from './organization.entity.js';
import { OrganizationsService } from './organizations.service.js';
import { Team } from './team.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([Organization, Team, Membership])],
  providers: [OrganizationsService],
  exports: [OrganizationsService],
})
export class OrganizationsModule {}
