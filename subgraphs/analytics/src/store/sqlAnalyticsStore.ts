import { randomUUID } from 'node:crypto';
import type { Database } from '@jarvis/db';
import { type IdempotencyStamp, newestFirstPage } from '@jarvis/subgraph';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB } from '../generated/tables.ts';
import {
  type AlertRecord,
  type AlertRuleRecord,
  type DashboardRecord,
  type Labels,
  labelsKey,
  type MetricDefinition,
  type Sample,
} from '../records.ts';
import type { AnalyticsStore, RuleFields, RuleOutcome } from './analyticsStore.ts';

type K = Kysely<DB>;

const json = (value: unknown) => JSON.stringify(value);

const toRule = (r: Selectable<DB['alert_rules']>): AlertRuleRecord => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  expr: r.expr,
  metric: r.metric,
  matchLabels: r.match_labels as AlertRuleRecord['matchLabels'],
  operator: r.operator as AlertRuleRecord['operator'],
  threshold: r.threshold,
  forSeconds: r.for_seconds,
  severity: r.severity as AlertRuleRecord['severity'],
  labels: r.labels as Labels,
  summary: r.summary,
  channelIds: r.channel_ids as string[],
  state: r.state as AlertRuleRecord['state'],
  lastEvaluatedAt: r.last_evaluated_at,
  lastError: r.last_error,
  createdAt: r.created_at,
});

const toAlert = (r: Selectable<DB['alerts']>): AlertRecord => ({
  id: r.id,
  projectId: r.project_id,
  ruleId: r.rule_id,
  fingerprint: r.fingerprint,
  labels: r.labels as Labels,
  state: r.state as AlertRecord['state'],
  value: r.value,
  summary: r.summary,
  activeSince: r.active_since,
  firedAt: r.fired_at,
  resolvedAt: r.resolved_at,
});

const toDashboard = (r: Selectable<DB['dashboards']>): DashboardRecord => ({
  id: r.id,
  projectId: r.project_id,
  uid: r.uid,
  title: r.title,
  json: r.json,
  url: r.url,
  createdAt: r.created_at,
});

/** The analytics tables: component metric definitions, embedded samples, alert rules, alerts, dashboards. */
export class SqlAnalyticsStore implements AnalyticsStore {
  private readonly db: K;

  constructor(database: Database) {
    this.db = database.tables<DB>('analytics');
  }

  async definitions(): Promise<MetricDefinition[]> {
    const rows = await this.db.selectFrom('metric_definitions').selectAll().orderBy('name').execute();
    return rows.map((r) => ({
      name: r.name,
      projectId: r.project_id,
      type: r.type as MetricDefinition['type'],
      help: r.help,
      labelNames: r.label_names as string[],
      buckets: r.buckets as number[] | null,
      component: r.component,
    }));
  }

  /** Keeps a definition; the first one for a name wins (a concurrent replica's is the same or refused later). */
  async define(definition: MetricDefinition): Promise<void> {
    await this.db
      .insertInto('metric_definitions')
      .values({
        name: definition.name,
        project_id: definition.projectId,
        type: definition.type,
        help: definition.help,
        label_names: json(definition.labelNames),
        buckets: definition.buckets ? json(definition.buckets) : null,
        component: definition.component,
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }

  async addSample(projectId: string, name: string, labels: Labels, value: number): Promise<void> {
    await this.db
      .insertInto('metric_samples')
      .values({
        project_id: projectId,
        name,
        labels: json(labels),
        labels_key: labelsKey(labels),
        value,
        at: new Date(),
      })
      .execute();
  }

  /** Samples of a metric in [start, end], oldest first. */
  async samples(projectId: string, name: string, start: Date, end: Date): Promise<Sample[]> {
    const rows = await this.db
      .selectFrom('metric_samples')
      .select(['labels', 'value', 'at'])
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .where('at', '>=', start)
      .where('at', '<=', end)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ labels: r.labels as Labels, value: r.value, at: r.at }));
  }

  /** The latest sample of each label set of a metric. */
  async latest(projectId: string, name: string): Promise<Sample[]> {
    const { rows } = await sql<Pick<Selectable<DB['metric_samples']>, 'labels' | 'value' | 'at'>>`
      select distinct on (labels_key) labels, value, at from analytics.metric_samples
      where project_id = ${projectId} and name = ${name}
      order by labels_key, at desc, id desc`.execute(this.db);
    return rows.map((r) => ({ labels: r.labels as Labels, value: r.value, at: r.at }));
  }

  async pruneSamples(before: Date): Promise<number> {
    const result = await this.db.deleteFrom('metric_samples').where('at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Undefined when the stamp's key made a rule already (see createOnce). */
  async createRule(
    projectId: string,
    fields: RuleFields,
    stamp?: IdempotencyStamp,
  ): Promise<AlertRuleRecord | undefined> {
    const row = await this.db
      .insertInto('alert_rules')
      .values({
        id: randomUUID(),
        project_id: projectId,
        ...ruleColumns(fields),
        state: 'OK',
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
      .selectFrom('alert_rules')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row ? { record: toRule(row), requestHash: row.request_hash } : undefined;
  }

  async updateRule(projectId: string, id: string, fields: RuleFields): Promise<AlertRuleRecord | undefined> {
    const row = await this.db
      .updateTable('alert_rules')
      .set(ruleColumns(fields))
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toRule(row) : undefined;
  }

  async deleteRule(projectId: string, id: string): Promise<AlertRuleRecord | undefined> {
    const row = await this.db
      .deleteFrom('alert_rules')
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toRule(row) : undefined;
  }

  async rule(projectId: string, id: string): Promise<AlertRuleRecord | undefined> {
    const row = await this.db
      .selectFrom('alert_rules')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toRule(row) : undefined;
  }

  async rules(projectId?: string): Promise<AlertRuleRecord[]> {
    let query = this.db.selectFrom('alert_rules').selectAll().orderBy('created_at');
    if (projectId) query = query.where('project_id', '=', projectId);
    return (await query.execute()).map(toRule);
  }

  /** A page of the project's alerts, newest first, with their total. */
  alertPage(
    projectId: string,
    filter: { state?: string | null; ruleId?: string | null },
    page: { first?: number | null; after?: string | null },
  ) {
    let query = this.db.selectFrom('alerts').selectAll().where('project_id', '=', projectId);
    if (filter.state) query = query.where('state', '=', filter.state);
    if (filter.ruleId) query = query.where('rule_id', '=', filter.ruleId);
    return newestFirstPage(query, 'active_since', page, toAlert);
  }

  async alert(projectId: string, id: string): Promise<AlertRecord | undefined> {
    const row = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toAlert(row) : undefined;
  }

  /**
   * Evaluates one rule under its row lock, so two replicas never both decide its alerts: the
   * one that gets the lock decides, the other skips it this round.
   */
  async evaluateRule(
    id: string,
    decide: (rule: AlertRuleRecord, active: AlertRecord[]) => Promise<RuleOutcome>,
  ): Promise<{ rule: AlertRuleRecord; changed: AlertRecord[] } | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<
        Selectable<DB['alert_rules']>
      >`select * from analytics.alert_rules where id = ${id} for update skip locked`.execute(trx);
      if (!rows[0]) return undefined;
      const rule = toRule(rows[0]);
      const active = (
        await trx
          .selectFrom('alerts')
          .selectAll()
          .where('rule_id', '=', id)
          .where('state', '<>', 'RESOLVED')
          .execute()
      ).map(toAlert);
      const outcome = await decide(rule, active);
      const changed: AlertRecord[] = [];
      for (const alert of outcome.insert) {
        const row = await trx
          .insertInto('alerts')
          .values({
            id: randomUUID(),
            project_id: rule.projectId,
            rule_id: rule.id,
            fingerprint: alert.fingerprint,
            labels: json(alert.labels),
            state: alert.state,
            value: alert.value,
            summary: alert.summary,
            active_since: alert.activeSince,
            fired_at: alert.firedAt,
            resolved_at: alert.resolvedAt,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        changed.push(toAlert(row));
      }
      for (const change of outcome.update) {
        const row = await trx
          .updateTable('alerts')
          .set({
            state: change.state,
            value: change.value,
            summary: change.summary,
            fired_at: change.firedAt,
            resolved_at: change.resolvedAt,
          })
          .where('id', '=', change.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        changed.push(toAlert(row));
      }
      if (outcome.remove.length) await trx.deleteFrom('alerts').where('id', 'in', outcome.remove).execute();
      const updated = await trx
        .updateTable('alert_rules')
        .set({ state: outcome.state, last_evaluated_at: new Date(), last_error: outcome.error })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { rule: toRule(updated), changed };
    });
  }

  /** Resolves a deleted rule's active alerts. */
  async resolveAll(ruleId: string): Promise<AlertRecord[]> {
    const rows = await this.db
      .updateTable('alerts')
      .set({ state: 'RESOLVED', resolved_at: new Date() })
      .where('rule_id', '=', ruleId)
      .where('state', '=', 'FIRING')
      .returningAll()
      .execute();
    await this.db.deleteFrom('alerts').where('rule_id', '=', ruleId).where('state', '=', 'PENDING').execute();
    return rows.map(toAlert);
  }

  async saveDashboard(
    projectId: string,
    dashboard: Omit<DashboardRecord, 'id' | 'projectId' | 'createdAt'>,
  ): Promise<DashboardRecord> {
    const row = await this.db
      .insertInto('dashboards')
      .values({
        id: randomUUID(),
        project_id: projectId,
        uid: dashboard.uid,
        title: dashboard.title,
        json: json(dashboard.json),
        url: dashboard.url,
        created_at: new Date(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDashboard(row);
  }

  async dashboards(projectId: string): Promise<DashboardRecord[]> {
    return (
      await this.db
        .selectFrom('dashboards')
        .selectAll()
        .where('project_id', '=', projectId)
        .orderBy('created_at', 'desc')
        .execute()
    ).map(toDashboard);
  }

  async dashboard(projectId: string, id: string): Promise<DashboardRecord | undefined> {
    const row = await this.db
      .selectFrom('dashboards')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toDashboard(row) : undefined;
  }
}

function ruleColumns(fields: RuleFields) {
  return {
    name: fields.name,
    expr: fields.expr,
    metric: fields.metric,
    match_labels: fields.matchLabels ? json(fields.matchLabels) : null,
    operator: fields.operator,
    threshold: fields.threshold,
    for_seconds: fields.forSeconds,
    severity: fields.severity,
    labels: json(fields.labels),
    summary: fields.summary,
    channel_ids: json(fields.channelIds),
  };
}
