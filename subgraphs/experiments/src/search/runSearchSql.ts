import { badUserInput } from '@jarvis/errors';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import {
  type FilterClause,
  FilterSyntaxError,
  type OrderClause,
  parseOrderBy,
  parseRunFilter,
} from './runFilter.ts';

function userInput<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof FilterSyntaxError)
      throw badUserInput(error.message, { argument: 'filter', position: error.position });
    throw error;
  }
}

/** Parses filter and order_by, turning syntax errors into BAD_USER_INPUT with the position. */
export function parseSearch(filter: string | undefined, orderBy: string[] | undefined) {
  return userInput(() => ({ clauses: parseRunFilter(filter), order: parseOrderBy(orderBy) }));
}

/** A filter over other attributes than a run's (the registry's). */
export function parseFilter(filter: string | undefined, attributes: Record<string, 'number' | 'string'>) {
  return userInput(() => parseRunFilter(filter, attributes));
}

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
