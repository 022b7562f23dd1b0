import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { FilterClause, OrderClause } from '../search/runFilter.ts';

const ATTRIBUTE_COLUMN: Record<string, string> = {
  run_id: 'r.id',
  run_name: 'r.name',
  status: 'r.status',
  artifact_uri: 'r.artifact_uri',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
};

/** `column <comparator> value` for one clause. */
export function compareSql(column: RawBuilder<unknown>, clause: FilterClause): RawBuilder<SqlBool> {
  const { comparator, value } = clause;
  switch (comparator) {
    case 'IN':
      return sql<SqlBool>`${column} in (${sql.join(value as string[])})`;
    case 'NOT IN':
      return sql<SqlBool>`${column} not in (${sql.join(value as string[])})`;
    case 'LIKE':
      return sql<SqlBool>`${column} like ${value}`;
    case 'ILIKE':
      return sql<SqlBool>`${column} ilike ${value}`;
    default:
      return sql<SqlBool>`${column} ${sql.raw(comparator)} ${value}`;
  }
}

/** One SQL condition per clause, on the run alias `r`. */
export function clauseSql(clause: FilterClause): RawBuilder<SqlBool> {
  switch (clause.type) {
    case 'metric':
      return sql<SqlBool>`exists (select 1 from experiments.latest_metrics m
        where m.run_id = r.id and m.key = ${clause.key} and ${compareSql(sql`m.value`, clause)})`;
    case 'param':
      return sql<SqlBool>`exists (select 1 from experiments.params p
        where p.run_id = r.id and p.key = ${clause.key} and ${compareSql(sql`p.value`, clause)})`;
    case 'tag':
      return sql<SqlBool>`exists (select 1 from experiments.run_tags t
        where t.run_id = r.id and t.key = ${clause.key} and ${compareSql(sql`t.value`, clause)})`;
    case 'attribute': {
      if (clause.key === 'user_id') {
        return sql<SqlBool>`exists (select 1 from experiments.run_tags t
          where t.run_id = r.id and t.key = 'mlflow.user' and ${compareSql(sql`t.value`, clause)})`;
      }
      return compareSql(sql.raw(ATTRIBUTE_COLUMN[clause.key]!), clause);
    }
  }
}

/** The sort expression of an order clause; runs without the metric/param/tag sort last. */
export function orderSql(order: OrderClause): RawBuilder<unknown> {
  switch (order.type) {
    case 'metric':
      return sql`(select m.value from experiments.latest_metrics m where m.run_id = r.id and m.key = ${order.key})`;
    case 'param':
      return sql`(select p.value from experiments.params p where p.run_id = r.id and p.key = ${order.key})`;
    case 'tag':
      return sql`(select t.value from experiments.run_tags t where t.run_id = r.id and t.key = ${order.key})`;
    case 'attribute':
      if (order.key === 'user_id') {
        return sql`(select t.value from experiments.run_tags t where t.run_id = r.id and t.key = 'mlflow.user')`;
      }
      return sql.raw(ATTRIBUTE_COLUMN[order.key]!);
  }
}
