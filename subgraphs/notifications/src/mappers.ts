// The records resolvers receive for each GraphQL type (codegen's `mappers`).
export type { ChannelRecord, NotificationRecord, RuleRecord } from './store/records.ts';
