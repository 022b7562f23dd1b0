import { badUserInput } from '@jarvis/errors';
import { FilterSyntaxError, parseOrderBy, parseRunFilter } from './runFilter.ts';

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

/** An `order_by` over other attributes than a run's (the registry's). */
export function parseOrder(orderBy: string[] | undefined, attributes: Record<string, 'number' | 'string'>) {
  return userInput(() => parseOrderBy(orderBy, attributes));
}
