import type { HealthResult } from '@jarvis/telemetry';
import type { SettingChangeRecord, SettingRecord } from './records.ts';

// The records resolvers receive for each GraphQL type (codegen's `mappers`).
export type { SettingChangeRecord, SettingRecord };
export type HealthRecord = HealthResult;

// What each GraphQL type resolves from: codegen finds `<Type>Mapper` here by name.
export type SettingMapper = SettingRecord;
export type SettingChangeMapper = SettingChangeRecord;
export type ServiceHealthMapper = HealthRecord;
