import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { dataSourceOptions } from './data-source-options.js';

/**
 * The PostgreSQL connection. Each domain lib registers its own entities with
 * `TypeOrmModule.forFeature`, so this platform lib names no entity.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.DATABASE_URL),
        autoLoadEntities: true,
        extra: { max: 20 },
      }),
    }),
  ],
})
export class DatabaseModule {}
