import { expect, it } from 'vitest';
import { composeCommittedSupergraph, readCommittedSupergraph } from '../src/index.ts';

it('schema/supergraph.graphql is what the subgraphs compose to today', () => {
  const fresh = composeCommittedSupergraph();
  const committed = readCommittedSupergraph();
  expect(
    committed === fresh,
    'schema/supergraph.graphql is stale: run `npm run supergraph` and commit it',
  ).toBe(true);
});
