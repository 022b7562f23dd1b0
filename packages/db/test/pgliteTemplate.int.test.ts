import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/createDatabase.ts';

// A new home's database starts from this machine's template of a fresh cluster, unpacked on disk.
const home = () => mkdtempSync(path.join(os.tmpdir(), 'jarvis-template-'));
const cache = (): string => process.env.JARVIS_CACHE ?? path.join(os.homedir(), '.cache', 'jarvis');
const template = () => readdirSync(cache()).find((f) => /^pglite-.*-initdb\.tar\.gz$/.test(f));

describe('a new PGlite database from the template', () => {
  const saved = process.env.JARVIS_CACHE;
  const dirs: string[] = [];
  afterEach(() => {
    if (saved === undefined) delete process.env.JARVIS_CACHE;
    else process.env.JARVIS_CACHE = saved;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is unpacked into the data folder whole, opens, keeps what is written, and leaves nothing beside it', async () => {
    const dir = home();
    dirs.push(dir);
    // The first database on a machine makes the template if it is missing.
    const warmup = await createDatabase({ url: 'pglite', home: path.join(dir, 'first') });
    await warmup.close();
    expect(template(), 'no template in the cache after a first database').toBeDefined();

    const db = await createDatabase({ url: 'pglite', home: path.join(dir, 'second') });
    await sql`create table kept (n int)`.execute(db.kysely);
    await sql`insert into kept values (42)`.execute(db.kysely);
    await db.close();
    expect(existsSync(path.join(dir, 'second', 'pgdata', 'PG_VERSION'))).toBe(true);
    expect(readdirSync(path.join(dir, 'second'))).toEqual(['pgdata']);

    const again = await createDatabase({ url: 'pglite', home: path.join(dir, 'second') });
    const { rows } = await sql<{ n: number }>`select n from kept`.execute(again.kysely);
    expect(rows).toEqual([{ n: 42 }]);
    await again.close();
  });

  it('an empty data folder made beforehand is filled the same way', async () => {
    const dir = home();
    dirs.push(dir);
    mkdirSync(path.join(dir, 'pgdata'));
    const db = await createDatabase({ url: 'pglite', home: dir });
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db.kysely);
    expect(rows).toEqual([{ one: 1 }]);
    await db.close();
    expect(existsSync(path.join(dir, 'pgdata', 'PG_VERSION'))).toBe(true);
    expect(readdirSync(dir)).toEqual(['pgdata']);
  });

  it('a damaged template is not used: the database is made from scratch and works', async () => {
    const dir = home();
    dirs.push(dir);
    const real = template();
    expect(real, 'no template to damage').toBeDefined();
    const damaged = path.join(dir, 'cache');
    mkdirSync(damaged);
    writeFileSync(path.join(damaged, real!), Buffer.from('not a tarball at all'));
    process.env.JARVIS_CACHE = damaged;
    const db = await createDatabase({ url: 'pglite', home: path.join(dir, 'home') });
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db.kysely);
    expect(rows).toEqual([{ one: 1 }]);
    await db.close();
    expect(readdirSync(path.join(dir, 'home'))).toEqual(['pgdata']);
  });
});
