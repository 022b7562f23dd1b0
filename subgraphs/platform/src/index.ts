export { PlatformService } from './service.ts';
export { platformMigrations } from './store/migrations.ts';
export type { SettingsStore } from './store/settingsStore.ts';
export { sqlSettingsStore } from './store/sqlSettingsStore.ts';
export { subgraph } from './subgraph.ts';
