import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  print,
  type SelectionNode,
  type SelectionSetNode,
  visit,
} from 'graphql';

/** Response key under which the router asks the owning subgraph for an event's `sequence`. */
export const SEQUENCE_KEY = '_jarvisSequence';

export interface SubscriptionPlan {
  /** The subgraph that owns the root field. */
  owner: string;
  /** The root field's response key (its alias, or its name). */
  rootKey: string;
  /**
   * What the owner runs: the caller's operation with fragments inlined and every entity cut to
   * `{ __typename id }` — the router fetches entities through the gateway, where fields of every
   * subgraph resolve.
   */
  upstream: { query: string; document: DocumentNode; variables: string[] };
  /** Set when the event type has a `sequence`: after a resubscription, events at or below the
   * last one delivered are replays and are dropped. */
  sequenced: boolean;
}

const field = (name: string, alias?: string): FieldNode => ({
  kind: Kind.FIELD,
  name: { kind: Kind.NAME, value: name },
  ...(alias ? { alias: { kind: Kind.NAME, value: alias } } : {}),
});
const ENTITY_REFERENCE: SelectionSetNode = {
  kind: Kind.SELECTION_SET,
  selections: [field('__typename'), field('id')],
};

/**
 * Splits a subscription between the subgraph that owns its root field and the gateway. Throws a
 * GraphQLError for an operation that is not one subscription field of a known owner.
 */
export function planSubscription(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  owners: ReadonlyMap<string, string>,
  entityTypes: ReadonlySet<string>,
): SubscriptionPlan {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== 'subscription')
    throw new GraphQLError('expected a subscription operation', { extensions: { code: 'BAD_REQUEST' } });
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const inline = (
    set: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    root = false,
  ): SelectionSetNode => {
    const selections = set.selections.map((selection): SelectionNode => {
      if (selection.kind === Kind.FIELD) {
        if (!selection.selectionSet) return selection;
        const fields = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields() : {};
        const type = fields[selection.name.value]
          ? getNamedType(fields[selection.name.value]!.type)
          : undefined;
        if (type && entityTypes.has(type.name)) return { ...selection, selectionSet: ENTITY_REFERENCE };
        return { ...selection, selectionSet: inline(selection.selectionSet, type) };
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        return { ...selection, selectionSet: inline(selection.selectionSet, type ?? undefined) };
      }
      const fragment = fragments.get(selection.name.value);
      if (!fragment) throw new GraphQLError(`unknown fragment ${selection.name.value}`);
      return {
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: fragment.typeCondition,
        directives: selection.directives ?? [],
        selectionSet: inline(
          fragment.selectionSet,
          schema.getType(fragment.typeCondition.name.value) ?? undefined,
        ),
      };
    });
    // Abstract types resolve by __typename; asking for it everywhere costs nothing (but a
    // subscription's root may select nothing besides its one field).
    return { kind: Kind.SELECTION_SET, selections: root ? selections : [field('__typename'), ...selections] };
  };

  const root = inline(operation.selectionSet, schema.getSubscriptionType() ?? undefined, true);
  const rootFields = collectFields(root);
  if (rootFields.length !== 1)
    throw new GraphQLError('a subscription selects exactly one root field', {
      extensions: { code: 'BAD_REQUEST' },
    });
  const rootField = rootFields[0]!;
  const owner = owners.get(rootField.name.value);
  if (!owner)
    throw new GraphQLError(`no subgraph serves subscription field ${rootField.name.value}`, {
      extensions: { code: 'BAD_REQUEST' },
    });
  const eventType = getNamedType(schema.getSubscriptionType()!.getFields()[rootField.name.value]!.type);
  const sequenced =
    root.selections.includes(rootField) &&
    isObjectType(eventType) &&
    !entityTypes.has(eventType.name) &&
    'sequence' in eventType.getFields();
  const withSequence: SelectionSetNode = sequenced
    ? {
        kind: Kind.SELECTION_SET,
        selections: root.selections.map((s) =>
          s === rootField
            ? {
                ...rootField,
                selectionSet: {
                  kind: Kind.SELECTION_SET,
                  selections: [...rootField.selectionSet!.selections, field('sequence', SEQUENCE_KEY)],
                },
              }
            : s,
        ),
      }
    : root;

  const used = new Set<string>();
  visit(withSequence, {
    Variable(v) {
      used.add(v.name.value);
    },
  });
  const upstream: OperationDefinitionNode = {
    ...operation,
    variableDefinitions: (operation.variableDefinitions ?? []).filter((d) => used.has(d.variable.name.value)),
    selectionSet: withSequence,
  };
  const upstreamDocument: DocumentNode = { kind: Kind.DOCUMENT, definitions: [upstream] };
  return {
    owner,
    rootKey: rootField.alias?.value ?? rootField.name.value,
    upstream: { query: print(upstreamDocument), document: upstreamDocument, variables: [...used] },
    sequenced,
  };
}

/** The fields of a selection set, through inline fragments, without __typename. */
function collectFields(set: SelectionSetNode): FieldNode[] {
  return set.selections.flatMap((s) =>
    s.kind === Kind.FIELD
      ? s.name.value === '__typename'
        ? []
        : [s]
      : s.kind === Kind.INLINE_FRAGMENT
        ? collectFields(s.selectionSet)
        : [],
  );
}
