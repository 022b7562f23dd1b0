import type { JarvisConfig } from '@jarvis/config';
import type { Logger, Principal } from '@jarvis/context';
import { badUserInput, notFound } from '@jarvis/errors';
import type { Job } from '@jarvis/jobs';
import type { PubSub } from '@jarvis/pubsub';
import { ALERT_CHANGED_TOPIC, type AlertChanged, createOnce, listConnection } from '@jarvis/subgraph';
import type { Registry } from 'prom-client';
import { AlertEvaluator, type ConditionSource } from './alerts/alertEvaluator.ts';
import { prometheusRuleFile } from './alerts/prometheusRuleFile.ts';
import { checkMatchLabels, OPERATORS, thresholdExpr } from './alerts/ruleExpression.ts';
import { ComponentMetrics, type LogInput } from './componentMetrics.ts';
import { grafanaApi } from './dashboards/grafanaApi.ts';
import { componentDashboard, experimentDashboard } from './dashboards/grafanaDashboard.ts';
import { dashboardProblems } from './dashboards/validateDashboard.ts';
import type { MetricRecord } from './mappers.ts';
import type { AlertRecord, AlertRuleRecord, Labels, MetricType, Operator, Severity } from './records.ts';
import { embeddedSeries, type Series } from './series/embeddedSeries.ts';
import { matches, parseSelector } from './series/labelSelector.ts';
import { type PrometheusApi, prometheusApi } from './series/prometheusApi.ts';
import type { AnalyticsStore, RuleFields } from './store/analyticsStore.ts';
import { type AlertChangePayload, alertsTopic } from './subscriptions.ts';

type AnalyticsConfig = JarvisConfig['services']['analytics'];

/** Most points one series may have in an answer (Prometheus's own limit). */
const MAX_POINTS = 11_000;

export interface AlertRuleInput {
  name: string;
  expr?: string | null;
  metric?: string | null;
  matchLabels?: unknown;
  operator?: Operator | null;
  threshold?: number | null;
  forSeconds?: number | null;
  severity?: Severity | null;
  labels?: unknown;
  summary?: string | null;
  channelIds?: string[] | null;
}

/** The seed's Analytics Service: metrics components log, series, alert rules, dashboards. */
export class AnalyticsService {
  private readonly store: AnalyticsStore;
  private readonly config: AnalyticsConfig;
  private readonly registry: Registry;
  private readonly pubsub: PubSub;
  private readonly logger: Logger;
  private readonly prometheus: PrometheusApi | undefined;
  readonly components: ComponentMetrics;
  readonly evaluator: AlertEvaluator;

  constructor(deps: {
    store: AnalyticsStore;
    config: AnalyticsConfig;
    registry: Registry;
    pubsub: PubSub;
    logger: Logger;
  }) {
    this.store = deps.store;
    this.config = deps.config;
    this.registry = deps.registry;
    this.pubsub = deps.pubsub;
    this.logger = deps.logger;
    this.prometheus = deps.config.type === 'prometheus' ? prometheusApi(deps.config.endpoint!) : undefined;
    this.components = new ComponentMetrics(deps.registry, deps.store, deps.config.max_series_per_metric);
    this.evaluator = new AlertEvaluator({
      store: deps.store,
      source: this.conditionSource,
      onChange: (rule, alerts) => this.announce(rule, alerts),
      logger: deps.logger,
    });
  }

  async start() {
    await this.components.load();
  }

  /** Background work, on the process's job runner: alert evaluation, and pruning of embedded samples. */
  jobs(): Job[] {
    const jobs: Job[] = [
      {
        name: 'alerts',
        intervalMs: this.config.evaluation_interval_ms,
        run: () => this.evaluator.evaluateAll(),
      },
    ];
    if (!this.prometheus) {
      const retentionMs = this.config.retention_hours * 3600_000;
      jobs.push({
        name: 'prune',
        // Often enough that nothing outlives retention by more than half of it (or ten minutes).
        intervalMs: Math.max(1_000, Math.min(10 * 60_000, retentionMs / 2)),
        run: () => this.store.pruneSamples(new Date(Date.now() - retentionMs)),
      });
    }
    return jobs;
  }

  async stop() {
    await this.evaluator.stop();
  }

  // Metrics

  async log(principal: Principal, type: MetricType, input: LogInput): Promise<MetricRecord> {
    const { definition, labels } = await this.components.log(principal.projectId, type, input);
    // Embedded, the metadata DB is the time series store (Prometheus is, otherwise).
    if (!this.prometheus)
      await this.store.addSample(
        principal.projectId,
        input.name,
        labels,
        await this.components.current(input.name, labels, input.value),
      );
    return (await this.metric(principal, definition.name))!;
  }

  /**
   * The process's metrics a caller may see: Jarvis's own, and the component metrics of its
   * project (a name belongs to the project that first logged it).
   */
  async metrics(
    principal: Principal,
    prefix?: string | null,
    source?: 'JARVIS' | 'COMPONENT' | null,
  ): Promise<MetricRecord[]> {
    const all = await Promise.all(
      this.registry
        .getMetricsAsArray()
        .map((m) => m.name)
        .filter((name) => !prefix || name.startsWith(prefix))
        .map((name) => this.metric(principal, name)),
    );
    return all
      .filter((m): m is MetricRecord => !!m && (!source || m.source === source))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async metric(principal: Principal, name: string): Promise<MetricRecord | undefined> {
    const definition = this.components.definition(name);
    // Another project's metric does not exist for this caller.
    if (definition && definition.projectId !== principal.projectId) return undefined;
    // A component metric is described by its definition; collecting every series (as below) on
    // each logGauge would cost O(series) for what is already known.
    if (definition)
      return {
        name,
        type: definition.type,
        help: definition.help,
        labels: [...definition.labelNames].sort(),
        source: 'COMPONENT',
        component: definition.component,
        seriesCount: this.components.seriesCount(name) ?? 0,
      };
    const metric = this.registry.getSingleMetric(name);
    if (!metric) return undefined;
    const { type, help, values } = await metric.get();
    const labelSets = new Set(
      values.map((v) => {
        const { le: _le, quantile: _q, ...rest } = v.labels as Record<string, unknown>;
        return JSON.stringify(rest);
      }),
    );
    const labels = [
      ...new Set(values.flatMap((v) => Object.keys(v.labels).filter((l) => l !== 'le' && l !== 'quantile'))),
    ];
    return {
      name,
      type: String(type).toUpperCase() as MetricRecord['type'],
      help,
      labels: labels.sort(),
      source: 'JARVIS',
      component: null,
      seriesCount: labelSets.size,
    };
  }

  async metricSeries(principal: Principal, query: string, start: Date, end: Date, step: number) {
    if (!(end > start)) throw badUserInput('end must be after start', { argument: 'end' });
    if (!Number.isInteger(step) || step < 1)
      throw badUserInput('step is in whole seconds, at least 1', { argument: 'step' });
    const points = Math.floor((end.getTime() - start.getTime()) / 1000 / step) + 1;
    if (points > MAX_POINTS)
      throw badUserInput(
        `that is ${points} points per series; at most ${MAX_POINTS}: widen the step or narrow the range`,
        {
          argument: 'step',
        },
      );
    if (this.prometheus)
      return {
        source: 'PROMETHEUS' as const,
        series: await this.prometheus.queryRange(query, start, end, step),
      };
    const selector = parseSelector(query);
    const lookback = new Date(start.getTime() - 5 * 60_000);
    const samples = await this.store.samples(principal.projectId, selector.metric, lookback, end);
    return {
      source: 'EMBEDDED' as const,
      series: embeddedSeries(samples, selector, start, end, step) satisfies Series[],
    };
  }

  // Alert rules

  async createRule(principal: Principal, input: AlertRuleInput, idempotencyKey?: string | null) {
    const fields = await this.checkedRule(input);
    return createOnce(
      idempotencyKey,
      fields,
      (stamp) => this.store.createRule(principal.projectId, fields, stamp),
      (key) => this.store.ruleByIdempotencyKey(principal.projectId, key),
    );
  }

  async updateRule(principal: Principal, id: string, input: AlertRuleInput) {
    const rule = await this.store.updateRule(principal.projectId, id, await this.checkedRule(input));
    if (!rule) throw notFound(`no alert rule ${id}`, { argument: 'id' });
    return rule;
  }

  async deleteRule(principal: Principal, id: string) {
    const rule = await this.store.deleteRule(principal.projectId, id);
    if (!rule) return false;
    const resolved = await this.store.resolveAll(id);
    if (resolved.length) await this.announce(rule, resolved);
    return true;
  }

  async rules(principal: Principal, first?: number | null, after?: string | null) {
    return listConnection(await this.store.rules(principal.projectId), first, after);
  }

  rule(principal: Principal, id: string) {
    return this.store.rule(principal.projectId, id);
  }

  alerts(
    principal: Principal,
    args: { state?: string | null; ruleId?: string | null; first?: number | null; after?: string | null },
  ) {
    return this.store.alertPage(
      principal.projectId,
      { state: args.state ?? null, ruleId: args.ruleId ?? null },
      { first: args.first ?? null, after: args.after ?? null },
    );
  }

  alert(principal: Principal, id: string) {
    return this.store.alert(principal.projectId, id);
  }

  evaluateNow(principal: Principal) {
    return this.evaluator.evaluateAll(principal.projectId);
  }

  async prometheusRules(principal: Principal) {
    return prometheusRuleFile(await this.store.rules(principal.projectId));
  }

  /** The rule's fields, its PromQL tried on Prometheus first (a bad expression is refused with its position). */
  private async checkedRule(input: AlertRuleInput): Promise<RuleFields> {
    const fields = this.ruleFields(input);
    await this.prometheus?.query(fields.expr);
    return fields;
  }

  private ruleFields(input: AlertRuleInput): RuleFields {
    const name = input.name?.trim();
    if (!name) throw badUserInput('an alert rule needs a name', { argument: 'name' });
    const forSeconds = input.forSeconds ?? 0;
    if (!Number.isInteger(forSeconds) || forSeconds < 0)
      throw badUserInput('forSeconds is a whole number of seconds, 0 or more', { argument: 'forSeconds' });
    const labels = checkMatchLabels(input.labels, 'labels') ?? {};
    const common = {
      name,
      forSeconds,
      severity: input.severity ?? 'WARNING',
      labels,
      summary: input.summary ?? null,
      channelIds: input.channelIds ?? [],
    };
    if (input.expr) {
      if (input.metric)
        throw badUserInput('give either expr or metric with a threshold, not both', { argument: 'expr' });
      if (!this.prometheus)
        throw badUserInput(
          'PromQL alert rules need a Prometheus server (services.analytics.type: prometheus); embedded, use metric, operator and threshold',
          { argument: 'expr' },
        );
      return {
        ...common,
        expr: input.expr,
        metric: null,
        matchLabels: null,
        operator: null,
        threshold: null,
      };
    }
    if (!input.metric || input.threshold === null || input.threshold === undefined)
      throw badUserInput('an alert rule needs expr (PromQL), or metric and threshold', {
        argument: 'metric',
      });
    const matchLabels = checkMatchLabels(input.matchLabels);
    const operator = input.operator ?? 'GT';
    parseSelector(input.metric);
    return {
      ...common,
      expr: thresholdExpr(input.metric, matchLabels, operator, input.threshold),
      metric: input.metric,
      matchLabels,
      operator,
      threshold: input.threshold,
    };
  }

  /** What meets a rule now: Prometheus answers its PromQL; embedded, the latest samples are compared. */
  private conditionSource: ConditionSource = async (rule) => {
    if (this.prometheus) {
      // Validated when the rule is saved, so a refusal now is Prometheus's state, not the rule's.
      return this.prometheus.query(rule.expr);
    }
    if (!rule.metric || rule.threshold === null || !rule.operator) return [];
    const { test } = OPERATORS[rule.operator];
    const selector = {
      metric: rule.metric,
      matchers: Object.entries(rule.matchLabels ?? {}).map(([name, value]) => ({
        name,
        op: '=' as const,
        value,
      })),
    };
    const threshold = rule.threshold;
    return (await this.store.latest(rule.projectId, rule.metric))
      .filter((s) => matches(s.labels, selector.matchers) && test(s.value, threshold))
      .map((s) => ({ labels: s.labels as Labels, value: s.value }));
  };

  private async announce(rule: AlertRuleRecord, alerts: AlertRecord[]) {
    for (const alert of alerts) {
      if (alert.state === 'PENDING') continue;
      const state = alert.state;
      const at =
        (state === 'FIRING' ? alert.firedAt : alert.resolvedAt)?.toISOString() ?? new Date().toISOString();
      const change: AlertChangePayload = { state, at, ruleId: rule.id, alert: { id: alert.id } };
      const notice: AlertChanged = {
        projectId: rule.projectId,
        alertId: alert.id,
        ruleId: rule.id,
        rule: rule.name,
        state,
        severity: rule.severity,
        summary: alert.summary ?? rule.name,
        labels: alert.labels,
        value: alert.value,
        channelIds: rule.channelIds,
        at,
      };
      try {
        await this.pubsub.publish(alertsTopic(rule.projectId), change);
        await this.pubsub.publish(ALERT_CHANGED_TOPIC, notice);
      } catch (error) {
        this.logger.warn({ err: error, alertId: alert.id }, 'could not announce an alert change');
      }
      this.logger.info(
        { alert: alert.id, rule: rule.name, state },
        `alert ${state === 'FIRING' ? 'firing' : 'resolved'}`,
      );
    }
  }

  // Dashboards

  async createDashboard(
    principal: Principal,
    args: { component?: string | null; experiment?: string | null; title?: string | null },
  ) {
    if (!args.component === !args.experiment)
      throw badUserInput('createDashboard takes a component or an experiment (one of them)', {
        argument: 'component',
      });
    if (args.title !== null && args.title !== undefined && !args.title.trim())
      throw badUserInput('title must not be blank; leave it out for the default', { argument: 'title' });
    // Grafana reads `$name`, `${name}` and `[[name]]` in a panel's query as its own variables, and
    // has no escape for them: a name with them cannot be put in a dashboard's queries as it is.
    const named = args.component ?? args.experiment!;
    if (/\$|\[\[/.test(named))
      throw badUserInput(
        `${JSON.stringify(named.slice(0, 100))} has "$" or "[[", which Grafana would read as a dashboard variable; a dashboard needs a name without them`,
        { argument: args.component ? 'component' : 'experiment' },
      );
    const model = args.component
      ? componentDashboard(
          args.component,
          (await this.metrics(principal, null, 'COMPONENT'))
            .filter((m) => m.component === args.component)
            .map((m) => this.components.definition(m.name)!),
          args.title ?? undefined,
        )
      : experimentDashboard(principal.projectId, args.experiment!, args.title ?? undefined);
    const problems = dashboardProblems(model);
    if (problems.length) throw new Error(`generated an invalid Grafana dashboard: ${problems.join('; ')}`);
    const pushed = this.config.dashboard
      ? await grafanaApi(this.config.dashboard, this.config.dashboard_token).push(
          model,
          'created by Jarvis createDashboard',
        )
      : undefined;
    return this.store.saveDashboard(principal.projectId, {
      uid: model.uid,
      title: model.title,
      json: model,
      url: pushed?.url ?? null,
    });
  }

  async dashboards(principal: Principal, first?: number | null, after?: string | null) {
    return listConnection(await this.store.dashboards(principal.projectId), first, after);
  }

  dashboard(principal: Principal, id: string) {
    return this.store.dashboard(principal.projectId, id);
  }
}
