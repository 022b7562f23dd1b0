import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every .ts file under `dir` (relative to the repository), with what it imports. */
function importsUnder(dir: string): { file: string; from: string }[] {
  const out: { file: string; from: string }[] = [];
  for (const name of readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
    if (!name.endsWith('.ts')) continue;
    const file = path.join(dir, name);
    const source = readFileSync(path.join(ROOT, file), 'utf8');
    for (const m of source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm))
      out.push({ file, from: m[1]! });
  }
  return out;
}

// What a server may not depend on: the subgraphs it routes to, the application that wires it,
// and the clients that call it.
const NOT_FOR_THE_ROUTER = /^@jarvis\/(subgraph-|sdk$|worker$|app$)/;

describe('dependencies point one way', () => {
  it('router/package.json depends on no subgraph, no client and not on the application', () => {
    const { dependencies = {} } = JSON.parse(readFileSync(path.join(ROOT, 'router/package.json'), 'utf8'));
    expect(Object.keys(dependencies).filter((d) => NOT_FOR_THE_ROUTER.test(d))).toEqual([]);
  });

  it('no file of router/src imports a subgraph, a client or the application', () => {
    expect(importsUnder('router/src').filter((i) => NOT_FOR_THE_ROUTER.test(i.from))).toEqual([]);
  });

  it('no subgraph depends on a client: the workflows subgraph and the worker share @jarvis/workflow-protocol', () => {
    const subgraphs = readdirSync(path.join(ROOT, 'subgraphs'));
    const CLIENT = /^@jarvis\/(sdk|worker)$/;
    const imports = subgraphs
      .flatMap((s) => importsUnder(`subgraphs/${s}/src`))
      .filter((i) => CLIENT.test(i.from));
    expect(imports).toEqual([]);
    const declared = subgraphs.filter((s) => {
      const { dependencies = {} } = JSON.parse(
        readFileSync(path.join(ROOT, 'subgraphs', s, 'package.json'), 'utf8'),
      );
      return Object.keys(dependencies).some((d) => CLIENT.test(d));
    });
    expect(declared).toEqual([]);
  });

  it('resolvers only call their service: none imports a store', () => {
    const subgraphs = readdirSync(path.join(ROOT, 'subgraphs'));
    const offending = subgraphs.flatMap((s) =>
      importsUnder(`subgraphs/${s}/src/resolvers`).filter((i) => /(^|\/)store(\/|$)/.test(i.from)),
    );
    expect(offending).toEqual([]);
    const reaching = subgraphs.flatMap((s) =>
      readdirSync(path.join(ROOT, 'subgraphs', s, 'src/resolvers'))
        .map((f) => `subgraphs/${s}/src/resolvers/${f}`)
        .filter((f) => /\bservice\.store\b/.test(readFileSync(path.join(ROOT, f), 'utf8'))),
    );
    expect(reaching, 'resolvers reach into service.store').toEqual([]);
  });
});
