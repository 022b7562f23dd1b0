// The experiments subgraph is being built (issue: experiments); its search language is first.
export {
  type Comparator,
  type EntityType,
  type FilterClause,
  FilterSyntaxError,
  type OrderClause,
  parseOrderBy,
  parseRunFilter,
  RUN_ATTRIBUTES,
} from './search/runFilter.ts';
