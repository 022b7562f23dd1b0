import { ErrorCode, JarvisError } from '@jarvis/errors';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export interface OperationLimits {
  max_depth: number;
  max_aliases: number;
  /** Lexical tokens a document may have; checked while parsing, before anything else. */
  max_tokens: number;
  max_root_fields: number;
  max_cost: number;
  default_list_size: number;
}

export interface OperationMeasure {
  depth: number;
  aliases: number;
  rootFields: number;
  cost: number;
}

/** Fields under a list argued by `first`/`last`: its `edges` and `nodes` are that list again. */
const CONNECTION_LISTS = new Set(['edges', 'nodes']);

/**
 * Depth, aliases, root fields and an estimated cost of one operation, fragments expanded. A
 * field costs 1 times the sizes of the lists above it: `first`/`last` where given, the default
 * list size otherwise. Introspection (`__schema`, `__type`) is not counted, so GraphiQL works
 * under any limits. Walking stops once the cost passes `stopAt`, so a fragment bomb cannot make
 * the measuring itself expensive.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  defaultListSize: number,
  stopAt: number,
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const measure: OperationMeasure = { depth: 0, aliases: 0, rootFields: 0, cost: 0 };
  const sizeOf = (value: ValueNode | undefined): number | undefined => {
    if (!value) return undefined;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const v = variables[value.name.value];
      return typeof v === 'number' ? v : undefined;
    }
    return undefined;
  };

  const walk = (
    set: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    depth: number,
    multiplier: number,
    sized: boolean,
    seen: ReadonlySet<string>,
  ) => {
    for (const selection of set.selections) {
      if (measure.cost > stopAt) return;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        walk(selection.selectionSet, type ?? undefined, depth, multiplier, sized, seen);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        // A cycle is a validation error of its own; do not loop on it here.
        if (!fragment || seen.has(fragment.name.value)) continue;
        walk(
          fragment.selectionSet,
          schema.getType(fragment.typeCondition.name.value) ?? undefined,
          depth,
          multiplier,
          sized,
          new Set([...seen, fragment.name.value]),
        );
        continue;
      }
      const name = selection.name.value;
      // Aliases count whatever they name: `a1: __typename … a9999: __typename` is the same flood.
      if (selection.alias) measure.aliases++;
      if (name.startsWith('__')) continue;
      if (depth === 1) measure.rootFields++;
      measure.depth = Math.max(measure.depth, depth);
      measure.cost += multiplier;
      if (!selection.selectionSet) continue;
      const fields = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields() : {};
      const definition = fields[name];
      const type = definition?.type;
      // A page size given, or the schema's default for it (`first: Int = 50`).
      const pageArg = definition?.args.find((a) => a.name === 'first' || a.name === 'last');
      const given = selection.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
      const paged = given !== undefined || pageArg !== undefined;
      const pageSize =
        sizeOf(given?.value) ??
        (typeof pageArg?.defaultValue === 'number' ? pageArg.defaultValue : undefined);
      const list = type !== undefined && isListType(getNullableType(type));
      let size = 1;
      if (paged) size = pageSize ?? defaultListSize;
      else if (list) size = sized && CONNECTION_LISTS.has(name) ? 1 : defaultListSize;
      walk(
        selection.selectionSet,
        type ? getNamedType(type) : undefined,
        depth + 1,
        multiplier * Math.max(size, 1),
        paged || (sized && CONNECTION_LISTS.has(name)),
        seen,
      );
    }
  };
  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  walk(operation.selectionSet, root ?? undefined, 1, 1, false, new Set());
  return measure;
}

/** The first limit the operation passes, as the error the caller gets; undefined when within all. */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: OperationLimits,
): JarvisError | undefined {
  const m = measureOperation(
    schema,
    document,
    operation,
    variables,
    limits.default_list_size,
    limits.max_cost,
  );
  const checks: [string, number, number, string][] = [
    ['max_depth', limits.max_depth, m.depth, 'depth'],
    ['max_aliases', limits.max_aliases, m.aliases, 'aliases'],
    ['max_root_fields', limits.max_root_fields, m.rootFields, 'root fields'],
    ['max_cost', limits.max_cost, m.cost, 'estimated cost'],
  ];
  for (const [limit, max, measured, what] of checks) {
    if (measured > max) {
      // The cost walk stops past the limit, so its figure is a lower bound.
      const more = limit === 'max_cost' ? 'at least ' : '';
      return new JarvisError(
        ErrorCode.LIMIT_EXCEEDED,
        `operation ${what} is ${more}${measured}; the limit is ${max} (router.limits.${limit})${
          limit === 'max_cost' ? '; ask for fewer items with first/last, or fewer fields' : ''
        }`,
        { limit, max, measured },
      );
    }
  }
  return undefined;
}
