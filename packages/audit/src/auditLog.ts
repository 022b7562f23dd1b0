import { randomUUID } from 'node:crypto';
import type { Logger, RequestContext } from '@jarvis/context';
import { type Database, jsonb, type RunInTransaction } from '@jarvis/db';
import type { PubSub } from '@jarvis/pubsub';
import type { Kysely, Selectable } from 'kysely';
import { auditMigrations } from './auditMigrations.ts';
import type { DB } from './generated/tables.ts';

/** What one change did: `mutation createRun` or `POST /api/2.0/mlflow/runs/create`, on which ids, how it ended. */
export interface AuditEntry {
  service: string;
  action: string;
  targets: string[];
  /** `ok`, or the error code the caller got. */
  outcome: string;
}

export interface AuditEvent extends AuditEntry {
  id: string;
  seq: number;
  at: Date;
  projectId: string;
  actorKind: string;
  actorId: string;
  keyId: string | null;
  requestId: string;
  clientAddress: string | null;
}

/** Every audit event of a project, as it is recorded (`auditEventRecorded`). */
export const auditTopic = (projectId: string) => `platform.audit.${projectId}`;

export interface AuditFilter {
  actorId?: string | null;
  action?: string | null;
  outcome?: string | null;
  since?: Date | null;
  until?: Date | null;
}

/**
 * The append-only record of every change, one table (`audit.events`) in the metadata database
 * of whichever process made the change. Rows are only ever inserted.
 */
export class AuditLog {
  private readonly db: Database;
  private readonly logger: Logger;
  private readonly pubsub: PubSub | undefined;
  private ready: Promise<unknown> | undefined;

  constructor(db: Database, logger: Logger, pubsub?: PubSub) {
    this.db = db;
    this.logger = logger;
    this.pubsub = pubsub;
  }

  private tables(): Promise<Kysely<DB>> {
    this.ready ??= this.db.migrate('audit', auditMigrations).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready.then(() => this.db.tables<DB>('audit'));
  }

  /** The insert of one entry, as a statement to run wherever it must commit. */
  private async insertOf(context: RequestContext, entry: AuditEntry) {
    const { principal } = context;
    return (await this.tables())
      .insertInto('events')
      .values({
        id: randomUUID(),
        project_id: principal.projectId,
        actor_kind: principal.kind,
        actor_id: principal.userId,
        key_id: principal.keyId ?? null,
        service: entry.service,
        action: clean(entry.action, 500),
        targets: jsonb(entry.targets.slice(0, 50).map((t) => clean(t, 300))),
        outcome: clean(entry.outcome, 300),
        request_id: context.requestId,
        client_address: context.clientAddress ?? null,
      })
      .returningAll();
  }

  /** Records a change made for `context`'s caller, on its own. */
  async record(context: RequestContext, entry: AuditEntry): Promise<void> {
    try {
      const row = await (await this.insertOf(context, entry)).executeTakeFirstOrThrow();
      await this.announce(toEvent(row));
    } catch (error) {
      // A change is not undone for want of its record, but the operator must know.
      this.logger.error({ err: error, entry }, 'audit entry not written');
    }
  }

  /**
   * Records a change inside the transaction that makes it (`run` is withBeforeCommit's): both
   * commit, or neither. Announce the event once the transaction committed.
   */
  async recordIn(run: RunInTransaction, context: RequestContext, entry: AuditEntry): Promise<AuditEvent> {
    const { rows } = await run<Selectable<DB['events']>>((await this.insertOf(context, entry)).compile());
    return toEvent(rows[0]!);
  }

  /** Makes the migrations run now, so a transaction's last statement never waits for them. */
  async prepare(): Promise<void> {
    await this.tables();
  }

  /** Tells `auditEventRecorded` subscribers. */
  async announce(event: AuditEvent): Promise<void> {
    await this.pubsub
      ?.publish(auditTopic(event.projectId), event)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'audit event not announced'));
  }

  /** Every event of a project that matches, oldest first, read a page at a time (for JSON-lines export). */
  async *export(projectId: string, filter: AuditFilter, pageSize = 1_000): AsyncGenerator<AuditEvent> {
    let after = 0;
    for (;;) {
      let query = (await this.tables()).selectFrom('events').selectAll().where('project_id', '=', projectId);
      if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
      if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
      if (filter.since) query = query.where('at', '>=', filter.since);
      if (filter.until) query = query.where('at', '<', filter.until);
      if (filter.action)
        query = query.where('action', 'like', `%${filter.action.replace(/[%_\\]/g, '\\$&')}%`);
      const rows = await query.where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
      for (const row of rows) yield toEvent(row);
      if (rows.length < pageSize) return;
      after = Number(rows.at(-1)!.seq);
    }
  }

  /** A project's events, newest first, `limit` after the one numbered `before`, and how many match. */
  async list(
    projectId: string,
    filter: AuditFilter,
    limit: number,
    before?: number,
  ): Promise<{ events: AuditEvent[]; total: number }> {
    let query = (await this.tables()).selectFrom('events').where('project_id', '=', projectId);
    if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
    if (filter.action) query = query.where('action', 'like', `%${filter.action.replace(/[%_\\]/g, '\\$&')}%`);
    if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
    if (filter.since) query = query.where('at', '>=', filter.since);
    if (filter.until) query = query.where('at', '<', filter.until);
    const { n } = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    if (before !== undefined) query = query.where('seq', '<', before);
    const rows = await query.selectAll().orderBy('seq', 'desc').limit(limit).execute();
    return { events: rows.map(toEvent), total: Number(n) };
  }
}

/** What a caller sent may hold NUL or broken UTF-16, which PostgreSQL text and jsonb refuse. */
const clean = (text: string, max: number) => text.slice(0, max).toWellFormed().replaceAll('\u0000', '\\0');

function toEvent(r: Selectable<DB['events']>): AuditEvent {
  return {
    id: r.id,
    seq: Number(r.seq),
    at: new Date(r.at),
    projectId: r.project_id,
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    keyId: r.key_id,
    service: r.service,
    action: r.action,
    targets: (r.targets as string[]) ?? [],
    outcome: r.outcome,
    requestId: r.request_id,
    clientAddress: r.client_address,
  };
}
