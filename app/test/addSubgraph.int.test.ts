import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '@jarvis/config';
import { defineSubgraph } from '@jarvis/subgraph';
import { gql } from '@jarvis/testkit';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { createJarvis, SUBGRAPHS } from '../src/index.ts';

// What the README's "add a subgraph" promises: one folder (SDL + defineSubgraph) and one entry in
// the catalog, and the subgraph is served, migrated and backed up like the others.
const notes = defineSubgraph({
  name: 'notes',
  schema: new URL('./fixtures/notes/schema.graphql', import.meta.url),
  create(deps) {
    const db = deps.db.kysely.withSchema('notes');
    return {
      resolvers: {
        Query: {
          note: async (_: unknown, { id }: { id: string }) =>
            (await db.selectFrom('notes').selectAll().where('id', '=', id).executeTakeFirst()) ?? null,
        },
        Mutation: {
          writeNote: async (_: unknown, note: { id: string; text: string }) => {
            await db
              .insertInto('notes')
              .values(note)
              .onConflict((oc) => oc.column('id').doUpdateSet({ text: note.text }))
              .execute();
            return note;
          },
        },
      },
      migrations: [
        { name: '0001_notes', up: 'create table notes.notes (id text primary key, text text not null)' },
      ],
      backup: { tables: ['notes'] },
      health: [{ name: 'notes-store', kind: 'BACKEND', check: async () => 'ok' }],
    };
  },
});

const home = mkdtempSync(path.join(os.tmpdir(), 'jarvis-add-subgraph-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

it('a subgraph declared with defineSubgraph and added to the catalog is served, migrated, checked and backed up', async () => {
  const config = parseConfig(
    { home, database: { url: 'pglite:memory' }, log: { level: 'silent' } },
    'test',
    {},
  );
  const jarvis = await createJarvis(config, { subgraphs: [...SUBGRAPHS, notes] });
  try {
    // Another set of subgraphs than the committed supergraph's: composed at start, with notes in it.
    expect(jarvis.router.supergraphSdl).toContain('type Note');
    expect(jarvis.router.supergraphSdl).not.toContain('# subgraphs sha256');
    const fetch = jarvis.router.fetch;
    const written = await gql(fetch, 'mutation { writeNote(id: "n1", text: "ice at -5") { id } }');
    expect(written.errors).toBeUndefined();
    // One operation across the new subgraph and an existing one.
    const read = await gql<{ note: { text: string }; health: { name: string; status: string }[] }>(
      fetch,
      '{ note(id: "n1") { text } health { name status } }',
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.note).toEqual({ text: 'ice at -5' });
    expect(read.data!.health).toEqual(
      expect.arrayContaining([
        { name: 'notes', status: 'UP' },
        { name: 'notes-store', status: 'UP' },
      ]),
    );
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from notes.notes`.execute(
      jarvis.runtime.db.kysely,
    );
    expect(rows).toEqual([{ n: 1 }]);
    expect(jarvis.subgraphs.find((s) => s.name === 'notes')!.backup).toEqual({
      schema: 'notes',
      tables: ['notes'],
    });
  } finally {
    await jarvis.stop();
  }
});
