import type { BackupFile } from '@jarvis/subgraph';

export const BACKUP_FORMAT = 'jarvis-backup/1';

/** manifest.json: written last, so a backup without one is unfinished and never restored. */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  subgraphs: {
    name: string;
    schema: string;
    tables: { table: string; rows: number; file: string; sha256: string; size: number }[];
    files: (BackupFile & { file: string })[];
  }[];
}
