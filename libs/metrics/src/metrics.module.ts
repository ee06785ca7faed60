import { Module } from '@nestjs/common';
import { Metrics } from './metrics.js';

/** One `Metrics` per application; every lib that records imports this module. */
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
