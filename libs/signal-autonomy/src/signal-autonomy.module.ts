import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '#libs/users';
import { SignalAutonomyConfig } from './signal-autonomy-config.entity.js';
import { SignalAutonomyService } from './signal-autonomy.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SignalAutonomyConfig]), UsersModule],
  providers: [SignalAutonomyService],
  exports: [SignalAutonomyService],
})
export class SignalAutonomyModule {}
