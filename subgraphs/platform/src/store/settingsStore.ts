import type { SettingChangeRecord, SettingRecord } from '../records.ts';

export interface Page<T> {
  rows: T[];
  totalCount: number;
}

export interface SetSettingInput {
  projectId: string;
  component: string;
  key: string;
  value: unknown;
  actor: string;
  idempotencyKey?: string | undefined;
}

/** Where settings and their history live. One implementation per SQL backend family. */
export interface SettingsStore {
  get(projectId: string, component: string, key: string): Promise<SettingRecord | undefined>;
  /** Ordered by key; `afterKey` for keyset paging; fetches `limit` rows. */
  list(projectId: string, component: string, limit: number, afterKey?: string): Promise<Page<SettingRecord>>;
  /** Writes the value and a history row atomically; a repeated idempotencyKey returns the first result. */
  set(input: SetSettingInput): Promise<SettingRecord>;
  delete(projectId: string, component: string, key: string, actor: string): Promise<boolean>;
  /** Newest first; `beforeId` for keyset paging. */
  history(
    projectId: string,
    component: string,
    key: string,
    limit: number,
    beforeId?: number,
  ): Promise<Page<SettingChangeRecord>>;
}
