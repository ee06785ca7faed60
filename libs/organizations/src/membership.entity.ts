import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Organization } from './organization.entity.js';

/** 1 member, 8 admin, 15 owner (PostHog's levels). */
export const MembershipLevel = { Member: 1, Admin: 8, Owner: 15 } as const;
export type MembershipLevel = (typeof MembershipLevel)[keyof typeof MembershipLevel];

@Entity({ name: 'organization_memberships' })
export class Membership {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization!: Relation<Organization>;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ type: 'smallint' })
  level!: MembershipLevel;

  @CreateDateColumn({ name: 'joined_at', type: 'timestamptz' })
  joinedAt!: Date;
}
