// The records resolvers receive for each GraphQL type (codegen's `mappers`).
export type { AlertRecord, AlertRuleRecord, DashboardRecord } from './store/records.ts';

export interface MetricRecord {
  name: string;
  type: 'GAUGE' | 'COUNTER' | 'HISTOGRAM' | 'SUMMARY';
  help: string;
  labels: string[];
  source: 'JARVIS' | 'COMPONENT';
  component: string | null;
  seriesCount: number;
}
