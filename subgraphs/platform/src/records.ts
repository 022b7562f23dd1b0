// The domain records of the platform subgraph (what its store returns and resolvers receive).

export interface SettingRecord {
  projectId: string;
  component: string;
  key: string;
  value: unknown;
  version: number;
  updatedAt: Date;
  updatedBy: string;
}

export interface SettingChangeRecord {
  id: number;
  version: number;
  value: unknown;
  previousValue: unknown;
  changedBy: string;
  changedAt: Date;
}
