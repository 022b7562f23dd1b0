import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql';
import { nastyString, type Random } from './seededRandom.ts';

export interface GeneratedOperation {
  query: string;
  variables: Record<string, unknown>;
}

/** A value for a scalar: mostly of the right JSON type, sometimes not. */
function scalarValue(r: Random, name: string): unknown {
  if (r.chance(0.1)) return r.pick([null, true, 1.5, -1, 'str', [], {}, 2 ** 60]);
  switch (name) {
    case 'Int':
      return r.pick([0, 1, -1, 7, 100, 2 ** 31 - 1, -(2 ** 31), 1000000]);
    case 'SafeInt':
      return r.pick([0, 1, -1, 5 * 1024 * 1024, 2 ** 53 - 1, -(2 ** 53) + 1, 1e15]);
    case 'Float':
      return r.pick([0, 0.5, -1.5, 1e308, -1e-308, 3.14]);
    case 'Boolean':
      return r.chance(0.5);
    case 'JSON':
      return r.pick([
        {},
        { a: 1 },
        [1, 2],
        'x',
        0,
        { nested: { deep: ['\u0000'] } },
        { big: 'z'.repeat(2000) },
      ]);
    case 'DateTime':
      return r.pick([
        '2026-01-01T00:00:00Z',
        'notadate',
        '2026-02-30T00:00:00Z',
        '',
        '1970-01-01T00:00:00.000Z',
      ]);
    default:
      return nastyString(r);
  }
}

function inputValue(r: Random, type: GraphQLInputType, depth: number): unknown {
  if (isNonNullType(type)) return inputValue(r, type.ofType, depth);
  if (r.chance(0.05)) return null;
  if (isListType(type)) {
    const n = r.pick([0, 1, 2, 3]);
    return Array.from({ length: n }, () => inputValue(r, type.ofType, depth + 1));
  }
  if (isEnumType(type)) {
    const values = type.getValues().map((v) => v.name);
    return r.chance(0.9) ? r.pick(values) : 'NOT_A_VALUE';
  }
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    if (depth > 4) return out;
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) || r.chance(0.5)) out[field.name] = inputValue(r, field.type, depth + 1);
    }
    return out;
  }
  if (isScalarType(type)) return scalarValue(r, type.name);
  return null;
}

/** A JSON value as an inline GraphQL literal of the given type. */
function literal(value: unknown, type: GraphQLInputType): string {
  const named = getNamedType(type);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) {
    const inner = isListType(isNonNullType(type) ? type.ofType : type)
      ? ((isNonNullType(type) ? type.ofType : type) as { ofType: GraphQLInputType }).ofType
      : type;
    return `[${value.map((v) => literal(v, inner)).join(', ')}]`;
  }
  if (isEnumType(named) && typeof value === 'string' && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) return value;
  if (typeof value === 'object') {
    if (isInputObjectType(named)) {
      const fields = named.getFields();
      return `{ ${Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${k}: ${literal(v, fields[k]?.type ?? named)}`)
        .join(', ')} }`;
    }
    // JSON scalars take object literals too.
    return `{ ${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${/^[_A-Za-z][_0-9A-Za-z]*$/.test(k) ? k : 'k'}: ${literal(v, type)}`)
      .join(', ')} }`;
  }
  return JSON.stringify(value);
}

function selection(r: Random, type: GraphQLNamedType, depth: number): string {
  if (isLeafType(type)) return '';
  if (isUnionType(type) || isInterfaceType(type) || depth > 2) return '{ __typename }';
  const fields = Object.values((type as GraphQLObjectType).getFields()).filter(
    (f) => !f.args.some((a) => isNonNullType(a.type)),
  );
  const picked = new Set<GraphQLField<unknown, unknown>>();
  const count = 1 + r.int(4);
  for (let i = 0; i < count && fields.length; i++) picked.add(r.pick(fields));
  const parts = ['__typename'];
  for (const f of picked) {
    const named = getNamedType(f.type);
    if (isLeafType(named)) parts.push(f.name);
    else if (isObjectType(named) || isUnionType(named) || isInterfaceType(named))
      parts.push(`${f.name} ${selection(r, named, depth + 1)}`);
  }
  return `{ ${parts.join(' ')} }`;
}

/**
 * One operation on a random root field of `root`, its arguments given inline or as variables,
 * of the right type mostly and of a hostile value often.
 */
export function generateOperation(
  r: Random,
  schema: GraphQLSchema,
  kind: 'query' | 'mutation',
): GeneratedOperation {
  const root = kind === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
  const fields = Object.values(root.getFields()).filter((f) => !f.name.startsWith('_'));
  const field = r.pick(fields);
  const variables: Record<string, unknown> = {};
  const definitions: string[] = [];
  const args: string[] = [];
  field.args.forEach((arg: GraphQLArgument) => {
    if (!isNonNullType(arg.type) && r.chance(0.4)) return;
    const value = inputValue(r, arg.type, 0);
    if (r.chance(0.5)) {
      definitions.push(`$${arg.name}: ${arg.type.toString()}`);
      variables[arg.name] = value;
      args.push(`${arg.name}: $${arg.name}`);
    } else {
      args.push(`${arg.name}: ${literal(value, arg.type)}`);
    }
  });
  const named = getNamedType(field.type);
  const query = `${kind} Fuzz${definitions.length ? `(${definitions.join(', ')})` : ''} { ${field.name}${
    args.length ? `(${args.join(', ')})` : ''
  } ${selection(r, named, 0)} }`;
  return { query, variables };
}
