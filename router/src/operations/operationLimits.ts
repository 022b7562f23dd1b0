import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLField,
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
  type ValidationRule,
  type ValueNode,
  validate,
} from 'graphql';
import type { ListSize, ListSizes } from './listSizes.ts';

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
  rootFields: number;
  cost: number;
}

/** Checks one operation against the limits: undefined when within all, else the caller's error. */
export type OperationLimiter = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
) => JarvisError | undefined;

const limitError = (limit: string, max: number, measured: number, what: string, hint = '') =>
  new JarvisError(
    ErrorCode.LIMIT_EXCEEDED,
    `operation ${what} is ${limit === 'max_cost' ? 'at least ' : ''}${measured}; the limit is ${max} (router.limits.${limit})${hint}`,
    { limit, max, measured },
  );

/**
 * Depth and aliases by graphql-armor's rules (fragments flattened, so a fragment adds no depth;
 * every alias counted, `__typename` too: aliased `__typename`s are the cheapest flood), run on
 * the one operation that executes. Armor reports the figure only in its message.
 */
function armorLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  limits: OperationLimits,
): JarvisError | undefined {
  let refused: JarvisError | undefined;
  const onReject =
    (limit: 'max_depth' | 'max_aliases', what: string) =>
    (_context: unknown, error: GraphQLError): void => {
      const measured = Number(/found (\d+)/.exec(error.message)?.[1] ?? limits[limit] + 1);
      refused ??= limitError(limit, limits[limit], measured, what);
    };
  const rules: ValidationRule[] = [
    maxDepthRule({
      n: limits.max_depth,
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: [onReject('max_depth', 'depth')],
    }) as ValidationRule,
    maxAliasesRule({
      n: limits.max_aliases,
      allowList: [],
      propagateOnRejection: false,
      onReject: [onReject('max_aliases', 'aliases')],
    }) as ValidationRule,
  ];
  const one: DocumentNode = {
    ...document,
    definitions: document.definitions.filter((d) => d === operation || d.kind === Kind.FRAGMENT_DEFINITION),
  };
  validate(schema, one, rules);
  return refused;
}

/** Arguments that, by GraphQL's paging conventions, bound how many items a list returns. */
const PAGING_ARGUMENTS = new Set(['first', 'last', 'limit', 'top', 'pageSize']);

/**
 * A list without @listSize is sized by its paging argument (`first`…) as if @listSize named it,
 * given or defaulted; a list without one is short by its schema author's choice, and counts
 * default_list_size.
 */
function pagedBy(field: GraphQLField<unknown, unknown> | undefined): ListSize {
  const paging = field?.args.find((a) => PAGING_ARGUMENTS.has(a.name));
  return { slicingArguments: paging ? [paging.name] : [] };
}

/**
 * Root fields and an estimated cost of one operation, fragments expanded. A field costs 1 times
 * the sizes of the lists above it. A list's size is what its `@listSize` says (the supergraph's
 * federation cost directives): the first slicing argument given (`first: 200`, or a variable),
 * else that argument's default in the schema, else `assumedSize`; its `sizedFields` (a
 * connection's `edges`) are that same list, not another. A list field without `@listSize`
 * counts its paging argument (`first`, `last`, `limit`…) given or defaulted, else
 * `default_list_size`. Introspection is not counted, so GraphiQL works under any limits.
 * Walking stops once the cost passes `stopAt`, so a fragment bomb cannot make the measuring
 * itself expensive.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  options: { listSizes: ListSizes; defaultListSize: number; stopAt: number },
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const measure: OperationMeasure = { rootFields: 0, cost: 0 };
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
    /** Children that are the list their parent already counted (its `sizedFields`). */
    sizedHere: readonly string[],
    seen: ReadonlySet<string>,
  ) => {
    for (const selection of set.selections) {
      if (measure.cost > options.stopAt) return;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        walk(selection.selectionSet, type ?? undefined, depth, multiplier, sizedHere, seen);
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
          sizedHere,
          new Set([...seen, fragment.name.value]),
        );
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith('__')) continue;
      if (depth === 1) measure.rootFields++;
      measure.cost += multiplier;
      if (!selection.selectionSet) continue;
      const fields = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields() : {};
      const definition = fields[name];
      const type = definition?.type;
      const declared = parent ? options.listSizes.get(`${parent.name}.${name}`) : undefined;
      const unannotatedList =
        type !== undefined && isListType(getNullableType(type)) && !sizedHere.includes(name);
      const sizing = declared ?? (unannotatedList ? pagedBy(definition) : undefined);
      let size = 1;
      if (sizing) {
        const slicing = sizing.slicingArguments ?? [];
        const given = slicing
          .map((arg) => sizeOf(selection.arguments?.find((a) => a.name.value === arg)?.value))
          .find((n) => n !== undefined);
        const defaulted = slicing
          .map((arg) => definition?.args.find((a) => a.name === arg)?.defaultValue)
          .find((v): v is number => typeof v === 'number');
        size = given ?? defaulted ?? sizing.assumedSize ?? options.defaultListSize;
      }
      walk(
        selection.selectionSet,
        type ? getNamedType(type) : undefined,
        depth + 1,
        multiplier * Math.max(size, 1),
        declared?.sizedFields ?? [],
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
  walk(operation.selectionSet, root ?? undefined, 1, 1, [], new Set());
  return measure;
}

/** The router's limits over the supergraph's `@listSize`s: depth and aliases first, then root fields and cost. */
export function operationLimiter(limits: OperationLimits, listSizes: ListSizes): OperationLimiter {
  return (schema, document, operation, variables) => {
    const armor = armorLimits(schema, document, operation, limits);
    if (armor) return armor;
    const m = measureOperation(schema, document, operation, variables, {
      listSizes,
      defaultListSize: limits.default_list_size,
      stopAt: limits.max_cost,
    });
    if (m.rootFields > limits.max_root_fields)
      return limitError('max_root_fields', limits.max_root_fields, m.rootFields, 'root fields');
    if (m.cost > limits.max_cost)
      // The cost walk stops past the limit, so its figure is a lower bound.
      return limitError(
        'max_cost',
        limits.max_cost,
        m.cost,
        'estimated cost',
        '; ask for fewer items with first/last, or fewer fields',
      );
    return undefined;
  };
}
