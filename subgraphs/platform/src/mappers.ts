import type { HealthResult } from '@jarvis/telemetry';
import type { SettingChangeRecord, SettingRecord } from './store/settingsStore.ts';

// The records resolvers receive for each GraphQL type (codegen's `mappers`).
export type { SettingChangeRecord, SettingRecord };
export type HealthRecord = HealthResult;
