// The domain records of the platform subgraph (what its store returns and resolvers receive).
export type { SettingChangeRecord, SettingRecord } from './store/settingsStore.ts';
