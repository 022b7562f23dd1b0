import { randomUUID } from 'node:crypto';
import type { Database } from '@jarvis/db';
import { type IdempotencyStamp, newestFirstPage } from '@jarvis/subgraph';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB } from '../generated/tables.ts';
import type {
  ChannelKind,
  ChannelRecord,
  DeliveryRecord,
  NotificationEvent,
  NotificationRecord,
  NotificationStatus,
  RuleRecord,
} from '../records.ts';
import type { NewNotification, NotificationStore } from './notificationStore.ts';

type K = Kysely<DB>;

const toChannel = (r: Selectable<DB['channels']>): ChannelRecord => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  kind: r.kind as ChannelKind,
  url: r.url,
  secret: r.secret,
  to: r.recipients as string[],
  timeoutMs: r.timeout_ms,
  description: r.description,
  status: r.status as ChannelRecord['status'],
  events: r.events as string[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toRule = (r: Selectable<DB['rules']>): RuleRecord => ({
  id: r.id,
  projectId: r.project_id,
  event: r.event as NotificationEvent,
  channelIds: r.channel_ids as string[],
  subject: r.subject,
  body: r.body,
  filter: r.filter as Record<string, unknown> | null,
  createdAt: r.created_at,
});

const toNotification = (r: Selectable<DB['outbox']>): NotificationRecord => ({
  id: r.id,
  projectId: r.project_id,
  channelId: r.channel_id,
  event: r.event as NotificationEvent,
  dedupKey: r.dedup_key,
  subject: r.subject,
  body: r.body,
  data: r.data as Record<string, unknown>,
  status: r.status as NotificationStatus,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'PENDING' ? r.next_attempt_at : null,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

/** Channels, rules, and the outbox with its delivery log. */
export class SqlNotificationStore implements NotificationStore {
  private readonly db: K;

  constructor(database: Database) {
    this.db = database.tables<DB>('notifications');
  }

  /** Undefined when the stamp's key made a channel already (see createOnce). */
  async createChannel(
    channel: Omit<ChannelRecord, 'id' | 'createdAt' | 'updatedAt'>,
    stamp?: IdempotencyStamp,
  ): Promise<ChannelRecord | undefined> {
    const now = new Date();
    const row = await this.db
      .insertInto('channels')
      .values({
        id: randomUUID(),
        project_id: channel.projectId,
        name: channel.name,
        kind: channel.kind,
        url: channel.url,
        secret: channel.secret,
        recipients: JSON.stringify(channel.to),
        timeout_ms: channel.timeoutMs,
        description: channel.description,
        status: channel.status,
        events: JSON.stringify(channel.events),
        created_at: now,
        updated_at: now,
        idempotency_key: stamp?.key ?? null,
        request_hash: stamp?.requestHash ?? null,
      })
      .onConflict((oc) =>
        oc.columns(['project_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
    return row ? toChannel(row) : undefined;
  }

  /** The channel an idempotency key made, with the hash of the request that made it. */
  async channelByIdempotencyKey(projectId: string, key: string) {
    const row = await this.db
      .selectFrom('channels')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row ? { record: toChannel(row), requestHash: row.request_hash as string | null } : undefined;
  }

  async deleteChannel(projectId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('channels')
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async channels(projectId: string, ids?: string[]): Promise<ChannelRecord[]> {
    if (ids && !ids.length) return [];
    let query = this.db.selectFrom('channels').selectAll().where('project_id', '=', projectId);
    if (ids) query = query.where('id', 'in', ids);
    return (await query.orderBy('created_at').execute()).map(toChannel);
  }

  async updateChannel(
    projectId: string,
    id: string,
    patch: Partial<Pick<ChannelRecord, 'name' | 'description' | 'url' | 'secret' | 'events' | 'status'>>,
  ): Promise<ChannelRecord | undefined> {
    const row = await this.db
      .updateTable('channels')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.secret !== undefined ? { secret: patch.secret } : {}),
        ...(patch.events !== undefined ? { events: JSON.stringify(patch.events) } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        updated_at: new Date(),
      })
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toChannel(row) : undefined;
  }

  async channel(id: string): Promise<ChannelRecord | undefined> {
    const row = await this.db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toChannel(row) : undefined;
  }

  /** Undefined when the stamp's key made a rule already (see createOnce). */
  async createRule(
    rule: Omit<RuleRecord, 'id' | 'createdAt'>,
    stamp?: IdempotencyStamp,
  ): Promise<RuleRecord | undefined> {
    const row = await this.db
      .insertInto('rules')
      .values({
        id: randomUUID(),
        project_id: rule.projectId,
        event: rule.event,
        channel_ids: JSON.stringify(rule.channelIds),
        subject: rule.subject,
        body: rule.body,
        filter: rule.filter ? JSON.stringify(rule.filter) : null,
        created_at: new Date(),
        idempotency_key: stamp?.key ?? null,
        request_hash: stamp?.requestHash ?? null,
      })
      .onConflict((oc) =>
        oc.columns(['project_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
    return row ? toRule(row) : undefined;
  }

  /** The rule an idempotency key made, with the hash of the request that made it. */
  async ruleByIdempotencyKey(projectId: string, key: string) {
    const row = await this.db
      .selectFrom('rules')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row ? { record: toRule(row), requestHash: row.request_hash as string | null } : undefined;
  }

  async deleteRule(projectId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('rules')
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async rules(projectId: string, event?: NotificationEvent): Promise<RuleRecord[]> {
    let query = this.db.selectFrom('rules').selectAll().where('project_id', '=', projectId);
    if (event) query = query.where('event', '=', event);
    return (await query.orderBy('created_at').execute()).map(toRule);
  }

  /** Queues notifications; one that is already queued for its channel and event is not queued again. */
  async enqueue(notifications: NewNotification[]): Promise<NotificationRecord[]> {
    if (!notifications.length) return [];
    const now = new Date();
    const rows = await this.db
      .insertInto('outbox')
      .values(
        notifications.map((n) => ({
          id: randomUUID(),
          project_id: n.projectId,
          channel_id: n.channelId,
          event: n.event,
          dedup_key: n.dedupKey,
          subject: n.subject,
          body: n.body,
          data: JSON.stringify(n.data),
          status: 'PENDING',
          next_attempt_at: now,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['channel_id', 'dedup_key']).doNothing())
      .returningAll()
      .execute();
    return rows.map(toNotification);
  }

  /**
   * Takes up to `limit` due notifications for delivery: pending ones whose time has come, and
   * ones a crashed or stuck deliverer held past their lease. Rows another replica holds are skipped.
   */
  async claim(limit: number, leaseMs: number): Promise<NotificationRecord[]> {
    const { rows } = await sql<Selectable<DB['outbox']>>`
      update notifications.outbox set status = 'DELIVERING', lease_until = now() + ${`${leaseMs} milliseconds`}::interval
      where id in (
        select id from notifications.outbox
        where (status = 'PENDING' and next_attempt_at <= now()) or (status = 'DELIVERING' and lease_until < now())
        order by next_attempt_at
        limit ${limit}
        for update skip locked)
      returning *`.execute(this.db);
    return rows.map(toNotification);
  }

  /** Records one attempt and where the notification goes next: delivered, retried at `retryAt`, or failed. */
  async recordAttempt(
    id: string,
    attempt: DeliveryRecord,
    next: { status: 'DELIVERED' | 'FAILED' } | { status: 'PENDING'; retryAt: Date },
  ) {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('deliveries')
        .values({
          notification_id: id,
          attempt: attempt.attempt,
          at: attempt.at,
          ok: attempt.ok,
          response_code: attempt.responseCode,
          error: attempt.error,
          duration_ms: attempt.durationMs,
        })
        .execute();
      await trx
        .updateTable('outbox')
        .set({
          status: next.status,
          attempts: attempt.attempt,
          last_error: attempt.ok ? null : attempt.error,
          lease_until: null,
          ...(next.status === 'PENDING' ? { next_attempt_at: next.retryAt } : {}),
          ...(next.status === 'DELIVERED' ? { delivered_at: attempt.at } : {}),
        })
        .where('id', '=', id)
        .execute();
    });
  }

  /** A page of the project's notifications, newest first, with their total. */
  notificationPage(
    projectId: string,
    filter: { channelId?: string | null; status?: string | null },
    page: { first?: number | null; after?: string | null },
  ) {
    let query = this.db.selectFrom('outbox').selectAll().where('project_id', '=', projectId);
    if (filter.channelId) query = query.where('channel_id', '=', filter.channelId);
    if (filter.status) query = query.where('status', '=', filter.status);
    return newestFirstPage(query, 'created_at', page, toNotification);
  }

  async notification(projectId: string, id: string): Promise<NotificationRecord | undefined> {
    const row = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toNotification(row) : undefined;
  }

  async deliveries(id: string): Promise<DeliveryRecord[]> {
    const rows = await this.db
      .selectFrom('deliveries')
      .selectAll()
      .where('notification_id', '=', id)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      attempt: r.attempt,
      at: r.at,
      ok: r.ok,
      responseCode: r.response_code,
      error: r.error,
      durationMs: r.duration_ms,
    }));
  }
}
