// The records resolvers receive for each GraphQL type (codegen's `mappers`).
import type { AlertRecord, AlertRuleRecord, DashboardRecord } from './records.ts';

export type { AlertRecord, AlertRuleRecord, DashboardRecord };

export interface MetricRecord {
  name: string;
  type: 'GAUGE' | 'COUNTER' | 'HISTOGRAM' | 'SUMMARY';
  help: string;
  labels: string[];
  source: 'JARVIS' | 'COMPONENT';
  component: string | null;
  seriesCount: number;
}

// What each GraphQL type resolves from: codegen finds `<Type>Mapper` here by name.
export type MetricMapper = MetricRecord;
export type AlertRuleMapper = AlertRuleRecord;
export type AlertMapper = AlertRecord;
export type DashboardMapper = DashboardRecord;
