import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gql, testJarvis } from '@jarvis/testkit';
import {
  buildClientSchema,
  getIntrospectionQuery,
  type IntrospectionQuery,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { readCommittedSupergraph } from '../src/index.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGES = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

interface Example {
  page: string;
  line: number;
  run: boolean;
  source: string;
}

/** Every ```graphql block of a page; ```graphql run marks the ones to run as pasted. */
function examples(page: string): Example[] {
  const lines = readFileSync(path.join(ROOT, page), 'utf8').split('\n');
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```graphql(?:\s+(run))?\s*$/.exec(lines[i]!);
    if (!fence) continue;
    const end = lines.indexOf('```', i + 1);
    found.push({ page, line: i + 1, run: fence[1] === 'run', source: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return found;
}

const ALL = PAGES.flatMap(examples);

describe('the docs’ GraphQL examples', () => {
  it('there are examples, and some run as pasted', () => {
    expect(ALL.length).toBeGreaterThan(5);
    expect(ALL.filter((e) => e.run).length).toBeGreaterThanOrEqual(3);
  });

  it('every example is valid against the live schema (fields, arguments, types)', async () => {
    await using jarvis = await testJarvis();
    // The catalog's subgraphs start from the committed supergraph (no composition at start),
    // and every example below runs against it.
    expect(jarvis.router.supergraphSdl).toBe(readCommittedSupergraph());
    const introspection = await gql<IntrospectionQuery>(jarvis.router.fetch, getIntrospectionQuery());
    const schema = buildClientSchema(introspection.data!);
    const problems = ALL.flatMap((e) =>
      validate(schema, parse(e.source)).map((error) => `${e.page}:${e.line}: ${error.message}`),
    );
    expect(problems).toEqual([]);
  });

  // One Jarvis per page: the examples of a page run in order, as a reader pastes them.
  for (const page of PAGES) {
    const runnable = examples(page).filter((e) => e.run);
    if (!runnable.length) continue;
    it(`${page}: the examples marked run answer without errors, as pasted`, async () => {
      await using jarvis = await testJarvis();
      for (const example of runnable) {
        const operations = parse(example.source).definitions.filter(
          (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
        );
        for (const operation of operations) {
          const response = await jarvis.router.fetch(
            new Request('http://jarvis.test/graphql', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ query: example.source, operationName: operation.name?.value }),
            }),
          );
          const body = (await response.json()) as { errors?: unknown[] };
          expect(
            body.errors,
            `${page}:${example.line} ${operation.name?.value ?? '(anonymous)'}`,
          ).toBeUndefined();
        }
      }
    });
  }
});
