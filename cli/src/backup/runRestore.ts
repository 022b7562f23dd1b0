import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type Database, importRows } from '@jarvis/db';
import type { SubgraphModule } from '@jarvis/subgraph';
import { sql } from 'kysely';
import { BACKUP_FORMAT, type BackupManifest } from './backupManifest.ts';
import type { BackupTarget } from './backupTarget.ts';
import type { Progress } from './runBackup.ts';

async function text(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Puts a backup back into an empty Jarvis: checks every table file's checksum first, restores
 * files (each checked against its sha256 as it is stored), then all rows in one transaction.
 */
export async function runRestore(
  modules: SubgraphModule[],
  db: Database,
  source: BackupTarget,
  progress: Progress,
) {
  if (!(await source.exists('manifest.json'))) {
    throw new Error(
      `${source.describe} has no manifest.json: not a Jarvis backup, or one that did not finish`,
    );
  }
  const manifest = JSON.parse((await text(await source.read('manifest.json'))).toString()) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT)
    throw new Error(`unknown backup format ${manifest.format}; expected ${BACKUP_FORMAT}`);
  const byName = new Map(modules.map((m) => [m.name, m]));
  const tables: { schema: string; table: string; rows: string[]; seed?: string }[] = [];
  for (const sub of manifest.subgraphs) {
    const declared = byName.get(sub.name)?.backup;
    if (!declared) throw new Error(`the backup has subgraph ${sub.name}, which this Jarvis does not`);
    // Names from the manifest reach SQL only if they are the subgraph's own declared tables.
    if (sub.schema !== declared.schema || sub.tables.some((t) => !declared.tables.includes(t.table))) {
      throw new Error(
        `the backup's ${sub.name} tables are not the ones this Jarvis has (${declared.tables.join(', ')})`,
      );
    }
    for (const t of sub.tables) {
      const bytes = await text(await source.read(t.file));
      const digest = createHash('sha256').update(bytes).digest('hex');
      if (digest !== t.sha256)
        throw new Error(`${t.file} is damaged: sha256 ${digest}, the manifest says ${t.sha256}`);
      const seed = declared.seeds?.[t.table];
      const {
        rows: [count],
      } = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.raw(`"${sub.schema}"."${t.table}"`)} where not (${sql.raw(seed ?? 'false')})`.execute(
        db.kysely,
      );
      if (count!.n > 0)
        throw new Error(
          `restore needs an empty Jarvis: ${sub.schema}.${t.table} already has ${count!.n} rows`,
        );
      tables.push({
        schema: sub.schema,
        table: t.table,
        rows: bytes.toString().split('\n').filter(Boolean),
        ...(seed ? { seed } : {}),
      });
    }
  }
  const total = manifest.subgraphs.reduce((n, s) => n + s.files.reduce((a, f) => a + f.size, 0), 0);
  let done = 0;
  for (const sub of manifest.subgraphs) {
    const files = byName.get(sub.name)!.backup!.files;
    for (const file of sub.files) {
      if (!files) throw new Error(`subgraph ${sub.name} cannot restore files`);
      await files.restore(file, await source.read(file.file));
      done += file.size;
      progress(done, total, `${sub.schema} files`);
    }
  }
  await db.kysely.transaction().execute(async (trx) => {
    // Children first: a seed row may be what a seeded child points at.
    for (const t of [...tables].reverse())
      if (t.seed)
        await sql`delete from ${sql.raw(`"${t.schema}"."${t.table}"`)} where ${sql.raw(t.seed)}`.execute(trx);
    for (const t of tables) await importRows(trx, t.schema, t.table, t.rows);
  });
  progress(total, total, 'tables');
  return { manifest, bytes: total, rows: tables.reduce((n, t) => n + t.rows.length, 0) };
}
