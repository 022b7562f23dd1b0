import { type ConstDirectiveNode, Kind, parse, type ValueNode } from 'graphql';

/** What a field's `@listSize` says (federation's cost spec, as composition keeps it in the supergraph). */
export interface ListSize {
  /** The size to assume when no slicing argument gives one. */
  assumedSize?: number;
  /** Arguments whose value is the list's size (`first`): the first one given wins. */
  slicingArguments?: string[];
  /** Child fields that are the list itself (a connection's `edges`): they do not multiply again. */
  sizedFields?: string[];
}

/** `@listSize` of every field of the supergraph that has one, by `Type.field`. */
export type ListSizes = ReadonlyMap<string, ListSize>;

const strings = (value: ValueNode | undefined) =>
  value?.kind === Kind.LIST
    ? value.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : []))
    : undefined;

function listSizeOf(directive: ConstDirectiveNode): ListSize {
  const arg = (name: string) => directive.arguments?.find((a) => a.name.value === name)?.value;
  const assumed = arg('assumedSize');
  const size: ListSize = {};
  if (assumed?.kind === Kind.INT) size.assumedSize = Number(assumed.value);
  const slicing = strings(arg('slicingArguments'));
  if (slicing) size.slicingArguments = slicing;
  const sized = strings(arg('sizedFields'));
  if (sized) size.sizedFields = sized;
  return size;
}

/**
 * Reads `@listSize` from the supergraph SDL. The gateway's API schema drops the cost spec's
 * directives, so the router reads them where composition put them.
 */
export function listSizesOf(supergraphSdl: string): ListSizes {
  const sizes = new Map<string, ListSize>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    )
      continue;
    for (const field of definition.fields ?? []) {
      // Imported by name (`@listSize`), or under the cost spec's prefix when it is not.
      const found = field.directives?.find((d) => /^(\w+__)?listSize$/.test(d.name.value));
      if (found) sizes.set(`${definition.name.value}.${field.name.value}`, listSizeOf(found));
    }
  }
  return sizes;
}
