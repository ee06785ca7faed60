import { Module } from '@nestjs/common';
import { AuthModule } from '#libs/auth';
import { ConfigModule } from '#libs/config';
import { DatabaseModule } from '#libs/database';
import { OrganizationsModule } from '#libs/organizations';
import { RedisModule } from '#libs/redis';
import { UsersModule } from '#libs/users';

@Module({ imports: [ConfigModule, DatabaseModule, RedisModule, UsersModule, OrganizationsModule, AuthModule] })
export class CliModule {}
