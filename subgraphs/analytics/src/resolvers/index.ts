import { DateTimeScalar, JSONScalar } from '@jarvis/subgraph';
import type { Resolvers } from '../generated/resolvers.ts';
import type { AnalyticsService } from '../service.ts';

/** Thin: arguments in, service call, records out. */
export function createResolvers(service: AnalyticsService): Resolvers {
  return {
    JSON: JSONScalar,
    DateTime: DateTimeScalar,
    Query: {
      metrics: (_p, { prefix, source }, ctx) => service.metrics(ctx.principal, prefix, source),
      metric: async (_p, { name }, ctx) => (await service.metric(ctx.principal, name)) ?? null,
      metricSeries: (_p, { query, start, end, step }, ctx) =>
        service.metricSeries(ctx.principal, query, new Date(start), new Date(end), step ?? 60),
      alertRules: (_p, { first, after }, ctx) => service.rules(ctx.principal, first, after),
      alertRule: async (_p, { id }, ctx) => (await service.rule(ctx.principal, id)) ?? null,
      alerts: (_p, args, ctx) => service.alerts(ctx.principal, args),
      alert: async (_p, { id }, ctx) => (await service.alert(ctx.principal, id)) ?? null,
      prometheusRules: (_p, _a, ctx) => service.prometheusRules(ctx.principal),
      dashboards: (_p, { first, after }, ctx) => service.dashboards(ctx.principal, first, after),
      dashboard: async (_p, { id }, ctx) => (await service.dashboard(ctx.principal, id)) ?? null,
    },
    Mutation: {
      logGauge: (_p, args, ctx) => service.log(ctx.principal, 'GAUGE', args),
      logCounter: (_p, args, ctx) =>
        service.log(ctx.principal, 'COUNTER', { ...args, value: args.value ?? 1 }),
      logHistogram: (_p, args, ctx) => service.log(ctx.principal, 'HISTOGRAM', args),
      createAlertRule: (_p, { input, idempotencyKey }, ctx) =>
        service.createRule(ctx.principal, input, idempotencyKey),
      updateAlertRule: (_p, { id, input }, ctx) => service.updateRule(ctx.principal, id, input),
      deleteAlertRule: (_p, { id }, ctx) => service.deleteRule(ctx.principal, id),
      evaluateAlertRules: (_p, _a, ctx) => service.evaluateNow(ctx.principal),
      createDashboard: (_p, args, ctx) => service.createDashboard(ctx.principal, args),
    },
    Metric: {
      __resolveReference: async (ref, ctx) => (await service.metric(ctx.principal, ref.name)) ?? null,
    },
    AlertRule: {
      __resolveReference: async (ref, ctx) => (await service.rule(ctx.principal, ref.id)) ?? null,
      alerts: (rule, { first, after }, ctx) =>
        service.alerts(ctx.principal, { ruleId: rule.id, first, after }),
    },
    Alert: {
      __resolveReference: async (ref, ctx) => (await service.alert(ctx.principal, ref.id)) ?? null,
      rule: async (alert, _a, ctx) =>
        (await service.rule(ctx.principal, alert.ruleId)) ?? deletedRule(alert.ruleId),
    },
    Dashboard: {
      __resolveReference: async (ref, ctx) => (await service.dashboard(ctx.principal, ref.id)) ?? null,
    },
    MetricSeries: {
      labels: (series) => series.labels,
    },
  };
}

/** An alert outlives its rule (history); the rule then reads as deleted. */
function deletedRule(id: string) {
  return {
    id,
    projectId: '',
    name: '(deleted rule)',
    expr: '',
    metric: null,
    matchLabels: null,
    operator: null,
    threshold: null,
    forSeconds: 0,
    severity: 'INFO' as const,
    labels: {},
    summary: null,
    channelIds: [],
    state: 'OK' as const,
    lastEvaluatedAt: null,
    lastError: null,
    createdAt: new Date(0),
  };
}
