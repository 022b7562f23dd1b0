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
  const plans = await Promise.all(
    modules
      .filter((m) => m.backup)
      .map(async (m) => ({ module: m, files: (await m.backup!.files?.list()) ?? [] })),
  );
  const total = plans.reduce((n, p) => n + p.files.reduce((a, f) => a + f.size, 0), 0);
  let done = 0;
  for (const { module, files } of plans) {
    const { schema, tables } = module.backup!;
    const entry: BackupManifest['subgraphs'][number] = { name: module.name, schema, tables: [], files: [] };
    for (const table of tables) {
      const rows = await exportRows(db.kysely, schema, table);
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
