import { Readable } from 'node:stream';
import type { Database } from '@jarvis/db';
import { exportRows } from '@jarvis/db';
import type { SubgraphModule } from '@jarvis/subgraph';
import { BACKUP_FORMAT, type BackupManifest } from './backupManifest.ts';
import type { BackupTarget } from './backupTarget.ts';

export type Progress = (done: number, total: number, what: string) => void;

/** Copies every subgraph's tables and files to the target; manifest.json goes last. */
export async function runBackup(
  modules: SubgraphModule[],
  db: Database,
  target: BackupTarget,
  progress: Progress,
) {
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    createdAt: new Date().toISOString(),
    subgraphs: [],
  };
  const backedUp = modules.filter((m) => m.backup);
  // Every table in one snapshot, so rows agree with each other while Jarvis keeps working; then
  // the files. Files are content-addressed and kept while a row names them, so listing them after
  // the snapshot covers every row in it: an upload completing meanwhile adds a file, never takes
  // one away. (Listing first, as before, missed the bytes of uploads completed in between.)
  const snapshot = await db.kysely
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const rows = new Map<string, string[]>();
      for (const m of backedUp)
        for (const table of m.backup!.tables)
          rows.set(`${m.backup!.schema}.${table}`, await exportRows(trx, m.backup!.schema, table));
      return rows;
    });
  const plans = await Promise.all(
    backedUp.map(async (m) => ({ module: m, files: (await m.backup!.files?.list()) ?? [] })),
  );
  const total = plans.reduce((n, p) => n + p.files.reduce((a, f) => a + f.size, 0), 0);
  let done = 0;
  for (const { module, files } of plans) {
    const { schema, tables } = module.backup!;
    const entry: BackupManifest['subgraphs'][number] = { name: module.name, schema, tables: [], files: [] };
    for (const table of tables) {
      const rows = snapshot.get(`${schema}.${table}`)!;
      const file = `tables/${schema}.${table}.jsonl`;
      const written = await target.write(file, Readable.from(rows.map((r) => `${r}\n`)));
      entry.tables.push({ table, rows: rows.length, file, ...written });
      progress(done, total, `${schema}.${table}: ${rows.length} rows`);
    }
    for (const blob of files) {
      const file = `files/${schema}/${blob.sha256}`;
      const written = await target.write(file, await module.backup!.files!.read(blob));
      if (written.sha256 !== blob.sha256 || written.size !== blob.size) {
        throw new Error(
          `${schema} file ${blob.sha256} read back as ${written.sha256} (${written.size} bytes): its stored bytes are damaged`,
        );
      }
      entry.files.push({ ...blob, file });
      done += blob.size;
      progress(done, total, `${schema} files`);
    }
    manifest.subgraphs.push(entry);
  }
  await target.write('manifest.json', Readable.from([JSON.stringify(manifest, null, 2)]));
  return { manifest, bytes: total, files: plans.reduce((n, p) => n + p.files.length, 0) };
}
