import { readFileSync } from 'node:fs';
import { accessRulesOf, isScope, requirementOf } from '@jarvis/auth';
import { Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';

// The composed supergraph, as the router reads it: every root field and every field of an
// entity must say who may use it, or the build fails here.
const sdl = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const document = parse(sdl);
const rules = accessRulesOf(document);

const objects = document.definitions.filter((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION);
const isEntity = (d: (typeof objects)[number]) =>
  d.directives?.some(
    (x) => x.name.value === 'join__type' && x.arguments?.some((a) => a.name.value === 'key'),
  ) ?? false;

const fields = objects.flatMap((type) =>
  ['Query', 'Mutation', 'Subscription'].includes(type.name.value) || isEntity(type)
    ? (type.fields ?? []).map((f) => `${type.name.value}.${f.name.value}`)
    : [],
);

describe('every field says who may use it', () => {
  it('finds root and entity fields in the supergraph', () => {
    expect(fields.length).toBeGreaterThan(150);
    console.log(`@access checked on ${fields.length} root and entity fields`);
  });

  it('no root or entity field is without @access (on the field or its type)', () => {
    const undeclared = fields.filter((f) => {
      const [type, field] = f.split('.') as [string, string];
      return !requirementOf(rules, type, field);
    });
    expect(undeclared).toEqual([]);
  });

  it('every requirement is public, authenticated or a known <area>:<action>', () => {
    const all = [...rules.fields.values(), ...rules.types.values()];
    const unknown = all.filter(
      (r) => r !== 'public' && r !== 'authenticated' && (!isScope(r) || r.includes('*')),
    );
    expect(unknown).toEqual([]);
  });
});
