import type { Connection, IdempotencyStamp } from '@jarvis/subgraph';
import type {
  ChannelRecord,
  DeliveryRecord,
  NotificationEvent,
  NotificationRecord,
  RuleRecord,
} from '../records.ts';

/** What a caller queues; the outbox fills in the rest of the record. */
export type NewNotification = Pick<
  NotificationRecord,
  'projectId' | 'channelId' | 'event' | 'dedupKey' | 'subject' | 'body' | 'data'
>;

/**
 * Where the notifications subgraph keeps channels, rules, and the outbox with its delivery log.
 * One implementation per SQL backend family (sqlNotificationStore.ts).
 */
export interface NotificationStore {
  /** Undefined when the stamp's key made a channel already (see createOnce). */
  createChannel(
    channel: Omit<ChannelRecord, 'id' | 'createdAt' | 'updatedAt'>,
    stamp?: IdempotencyStamp,
  ): Promise<ChannelRecord | undefined>;
  /** The channel an idempotency key made, with the hash of the request that made it. */
  channelByIdempotencyKey(
    projectId: string,
    key: string,
  ): Promise<{ record: ChannelRecord; requestHash: string | null } | undefined>;
  deleteChannel(projectId: string, id: string): Promise<boolean>;
  /** Changes the fields given; undefined when the project has no such channel. */
  updateChannel(
    projectId: string,
    id: string,
    patch: Partial<Pick<ChannelRecord, 'name' | 'description' | 'url' | 'secret' | 'events' | 'status'>>,
  ): Promise<ChannelRecord | undefined>;
  channels(projectId: string, ids?: string[]): Promise<ChannelRecord[]>;
  channel(id: string): Promise<ChannelRecord | undefined>;
  /** Undefined when the stamp's key made a rule already (see createOnce). */
  createRule(
    rule: Omit<RuleRecord, 'id' | 'createdAt'>,
    stamp?: IdempotencyStamp,
  ): Promise<RuleRecord | undefined>;
  /** The rule an idempotency key made, with the hash of the request that made it. */
  ruleByIdempotencyKey(
    projectId: string,
    key: string,
  ): Promise<{ record: RuleRecord; requestHash: string | null } | undefined>;
  deleteRule(projectId: string, id: string): Promise<boolean>;
  rules(projectId: string, event?: NotificationEvent): Promise<RuleRecord[]>;
  /** Queues notifications; one that is already queued for its channel and event is not queued again. */
  enqueue(notifications: NewNotification[]): Promise<NotificationRecord[]>;
  /**
   * Takes up to `limit` due notifications for delivery: pending ones whose time has come, and
   * ones a crashed or stuck deliverer held past their lease. Rows another replica holds are skipped.
   */
  claim(limit: number, leaseMs: number): Promise<NotificationRecord[]>;
  /** Records one attempt and where the notification goes next: delivered, retried at `retryAt`, or failed. */
  recordAttempt(
    id: string,
    attempt: DeliveryRecord,
    next: { status: 'DELIVERED' | 'FAILED' } | { status: 'PENDING'; retryAt: Date },
  ): Promise<void>;
  /** A page of the project's notifications, newest first, with their total. */
  notificationPage(
    projectId: string,
    filter: { channelId?: string | null; status?: string | null },
    page: { first?: number | null; after?: string | null },
  ): Promise<Connection<NotificationRecord>>;
  notification(projectId: string, id: string): Promise<NotificationRecord | undefined>;
  deliveries(id: string): Promise<DeliveryRecord[]>;
}
