import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '#libs/users';
import { AutonomyTargetService } from './autonomy-target.service.js';
import { SignalAutonomyConfig } from './signal-autonomy-config.entity.js';
import { SignalAutonomyService } from './signal-autonomy.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SignalAutonomyConfig]), UsersModule],
  providers: [SignalAutonomyService, AutonomyTargetService],
  exports: [SignalAutonomyService, AutonomyTargetService],
})
export class SignalAutonomyModule {}
