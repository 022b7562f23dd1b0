import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUBGRAPHS = readdirSync(path.join(ROOT, 'subgraphs')).filter((s) =>
  existsSync(path.join(ROOT, 'subgraphs', s, 'schema.graphql')),
);

// What learning one subgraph teaches about every other: where each thing is kept.
const EVERY_SUBGRAPH_HAS = [
  'schema.graphql',
  'package.json',
  'README.md',
  'src/index.ts',
  'src/subgraph.ts',
  'src/service.ts',
  'src/records.ts',
  'src/mappers.ts',
  'src/subscriptions.ts',
  'src/resolvers/index.ts',
  'src/generated/resolvers.ts',
  'src/store/migrations.ts',
];

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const tsUnder = (dir: string) =>
  existsSync(path.join(ROOT, dir))
    ? readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => path.join(dir, f))
    : [];

describe('every subgraph has the same shape', () => {
  it('finds the subgraphs', () => {
    expect(SUBGRAPHS).toEqual(
      expect.arrayContaining([
        'analytics',
        'experiments',
        'notifications',
        'platform',
        'storage',
        'workflows',
      ]),
    );
  });

  it.each(SUBGRAPHS)('%s has every file of the shape', (name) => {
    const missing = EVERY_SUBGRAPH_HAS.filter((f) => !existsSync(path.join(ROOT, 'subgraphs', name, f)));
    expect(missing).toEqual([]);
    const tests = tsUnder(`subgraphs/${name}/test`).filter((f) => f.endsWith('.test.ts'));
    expect(tests.length, 'tests under test/').toBeGreaterThan(0);
  });

  it.each(SUBGRAPHS)(
    '%s keeps its backends behind an interface in src/store/, and its SQL only there',
    (name) => {
      const store = tsUnder(`subgraphs/${name}/src/store`);
      const interfaces = store.filter((f) => /^export interface \w+(Store|Registry) \{/m.test(read(f)));
      expect(interfaces.length, 'a store interface in src/store/').toBeGreaterThan(0);
      const implemented = store.filter((f) =>
        /\bimplements \w+(Store|Registry)\b|\): \w+(Store|Registry) \{/.test(read(f)),
      );
      expect(implemented.length, 'an implementation of it in src/store/').toBeGreaterThan(0);
      const sqlElsewhere = tsUnder(`subgraphs/${name}/src`)
        .filter((f) => !f.includes('/src/store/'))
        .filter((f) => /from 'kysely'|\bsql`/.test(read(f)));
      expect(sqlElsewhere, 'SQL outside src/store/').toEqual([]);
    },
  );

  it.each(SUBGRAPHS)('%s declares itself with defineSubgraph and is listed in the catalog', (name) => {
    expect(read(`subgraphs/${name}/src/subgraph.ts`)).toMatch(
      /export const subgraph = defineSubgraph\(\{\n\s+name: '/,
    );
    expect(read('app/src/subgraphCatalog.ts')).toContain(`@jarvis/subgraph-${name}`);
  });
});
