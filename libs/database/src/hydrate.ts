import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * An entity instance from a raw row keyed by column name (e.g. `to_jsonb(t)`), converted exactly as
 * TypeORM converts its own results. For hot paths that run one hand-written query instead of the
 * query builder's longer SQL and extra DISTINCT pre-queries; relations are left unset.
 */
export function hydrate<T extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<T>, row: Record<string, unknown>): T {
  const metadata = dataSource.getMetadata(target);
  const entity = metadata.create() as Record<string, unknown>;
  for (const column of metadata.columns) {
    if (column.relationMetadata && !column.propertyName) continue;
    if (!(column.databaseName in row)) continue;
    entity[column.propertyName] = dataSource.driver.prepareHydratedValue(row[column.databaseName], column);
  }
  return entity as T;
}
