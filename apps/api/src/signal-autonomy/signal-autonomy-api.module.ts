import { Module } from '@nestjs/common';
import { SignalAutonomyModule } from '#libs/signal-autonomy';
import { UsersModule } from '#libs/users';
import { SignalAutonomyController } from './signal-autonomy.controller.js';

/** The HTTP side of signal autonomy; the global guard and error filter apply as everywhere. */
@Module({
  imports: [SignalAutonomyModule, UsersModule],
  controllers: [SignalAutonomyController],
})
export class SignalAutonomyApiModule {}
