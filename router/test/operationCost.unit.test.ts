import { buildSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { listSizesOf } from '../src/operations/listSizes.ts';
import { measureOperation, operationLimiter } from '../src/operations/operationLimits.ts';

// A supergraph's shape in miniature: the cost spec's directive as composition writes it.
const SDL = `
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
type Query {
  runs(first: Int = 50, after: String): RunConnection! @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)
  recent: [Run!]! @listSize(assumedSize: 7)
  everything: [Run!]!
  top(first: Int = 5): [Run]
  latest(limit: Int): [Run]
}
type RunConnection { edges: [RunEdge!]! totalCount: Int! }
type RunEdge { node: Run! cursor: String! }
type Run {
  id: ID!
  tags: [Tag!]!
  history(maxPoints: Int): [Point!]! @listSize(slicingArguments: ["maxPoints"], assumedSize: 1000, requireOneSlicingArgument: false)
}
type Tag { key: String! value: String! }
type Point { step: Int! value: Float! }
`;
const schema = buildSchema(SDL);
const listSizes = listSizesOf(SDL);
const cost = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return measureOperation(schema, document, getOperationAST(document)!, variables, {
    listSizes,
    defaultListSize: 20,
    stopAt: 1e9,
  }).cost;
};

describe('the cost estimate reads @listSize', () => {
  it('reads slicing arguments, sized fields and assumed sizes from the SDL', () => {
    expect(listSizes.get('Query.runs')).toEqual({ slicingArguments: ['first'], sizedFields: ['edges'] });
    expect(listSizes.get('Query.recent')).toEqual({ assumedSize: 7 });
    expect(listSizes.has('Query.everything')).toBe(false);
  });

  it('a page counts its slicing argument, given, as a variable, or the schema’s default; its edges are that page', () => {
    // runs 1 + 10 × (edges, node, id) = 31
    expect(cost('{ runs(first: 10) { edges { node { id } } } }')).toBe(31);
    expect(cost('query($n: Int) { runs(first: $n) { edges { node { id } } } }', { n: 10 })).toBe(31);
    expect(cost('{ runs { edges { node { id } } } }')).toBe(1 + 50 * 3);
    // A field beside the list is counted once per page too (the estimate is an upper bound).
    expect(cost('{ runs(first: 10) { totalCount } }')).toBe(11);
  });

  it('assumedSize when no slicing argument is given; default_list_size for a list without @listSize', () => {
    expect(cost('{ recent { id } }')).toBe(1 + 7);
    expect(cost('{ everything { id } }')).toBe(1 + 20);
    expect(cost('{ recent { history { value } } }')).toBe(1 + 7 + 7 * 1000);
    expect(cost('{ recent { history(maxPoints: 100) { value } } }')).toBe(1 + 7 + 7 * 100);
    // Lists nest: every run's tags.
    expect(cost('{ runs(first: 10) { edges { node { tags { key } } } } }')).toBe(1 + 10 * 3 + 10 * 20);
  });

  it('without @listSize, a paging argument given or defaulted is the size; an unpaged list counts default_list_size', () => {
    expect(cost('{ top { id } }')).toBe(1 + 5);
    expect(cost('{ top(first: 2) { id } }')).toBe(1 + 2);
    expect(cost('query($n: Int) { latest(limit: $n) { id } }', { n: 3 })).toBe(1 + 3);
    expect(cost('{ latest { id } }')).toBe(1 + 20);
    expect(cost('{ top(first: 100000) { id } }')).toBe(1 + 100_000);
  });

  it('fragments count as what they expand to', () => {
    expect(cost('{ runs(first: 10) { ...R } } fragment R on RunConnection { edges { node { id } } }')).toBe(
      31,
    );
    expect(cost('{ runs(first: 10) { ... on RunConnection { edges { node { id } } } } }')).toBe(31);
  });
});

describe('depth and aliases by graphql-armor', () => {
  const limits = {
    max_depth: 3,
    max_aliases: 2,
    max_tokens: 1000,
    max_root_fields: 5,
    max_cost: 10_000,
    default_list_size: 20,
  };
  const check = operationLimiter(limits, listSizes);
  const refuse = (query: string, operationName?: string) => {
    const document = parse(query);
    return check(schema, document, getOperationAST(document, operationName)!, {})?.extensions;
  };

  it('refuses past the depth, fragments adding no depth of their own', () => {
    expect(refuse('{ runs { edges { node { id } } } }')).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'max_depth',
      max: 3,
      measured: 4,
    });
    expect(refuse('{ recent { ...T } } fragment T on Run { tags { key } }')).toBeUndefined();
  });

  it('counts every alias, __typename included, in the operation that runs only', () => {
    expect(refuse('{ a: __typename b: __typename c: __typename }')).toMatchObject({
      limit: 'max_aliases',
      measured: 3,
    });
    const two =
      'query A { a: __typename b: __typename } query B { a: __typename b: __typename c: __typename }';
    expect(refuse(two, 'A')).toBeUndefined();
    expect(refuse(two, 'B')).toMatchObject({ limit: 'max_aliases' });
  });

  it('refuses past the root fields and the cost, with the figure', () => {
    expect(refuse('{ a: recent { id } b: recent { id } }')).toBeUndefined();
    const six =
      '{ recent { id } recent { id } everything { id } everything { id } runs { totalCount } runs { totalCount } }';
    expect(refuse(six)).toMatchObject({ limit: 'max_root_fields', max: 5, measured: 6 });
    expect(refuse('{ runs(first: 20000) { totalCount } }')).toMatchObject({ limit: 'max_cost', max: 10_000 });
  });
});
