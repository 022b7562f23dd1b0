// The records resolvers receive for each GraphQL type (codegen's `mappers`).
import type { ChannelRecord, NotificationRecord, RuleRecord } from './records.ts';

export type { ChannelRecord, NotificationRecord, RuleRecord };

// What each GraphQL type resolves from: codegen finds `<Type>Mapper` here by name.
export type ChannelMapper = ChannelRecord;
export type NotificationMapper = NotificationRecord;
export type NotificationRuleMapper = RuleRecord;
