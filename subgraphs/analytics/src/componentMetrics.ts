import { badUserInput, ErrorCode, JarvisError } from '@jarvis/errors';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { type Labels, labelsKey, type MetricDefinition, type MetricType } from './records.ts';
import type { AnalyticsStore } from './store/analyticsStore.ts';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MAX_LABEL_VALUE = 256;

export interface LogInput {
  name: string;
  value: number;
  labels?: unknown;
  help?: string | null;
  component?: string | null;
  buckets?: number[] | null;
}

type Live = { definition: MetricDefinition; metric: Gauge | Counter | Histogram; series: Set<string> };

/**
 * The metrics components log (the seed's log_metric, and counters and histograms), as prom-client
 * metrics on the process registry, so `/metrics` serves them next to Jarvis's own. A name keeps
 * its type and label names for good (kept in the metadata DB, so every replica and restart
 * agrees); a metric past `maxSeries` label sets is refused with LIMIT_EXCEEDED rather than
 * growing the registry without bound.
 */
export class ComponentMetrics {
  private readonly live = new Map<string, Live>();
  private readonly registry: Registry;
  private readonly store: AnalyticsStore;
  private readonly maxSeries: number;

  constructor(registry: Registry, store: AnalyticsStore, maxSeries: number) {
    this.registry = registry;
    this.store = store;
    this.maxSeries = maxSeries;
  }

  /** Registers the metrics declared before (by this process or another replica). */
  async load(): Promise<void> {
    for (const definition of await this.store.definitions()) this.register(definition);
  }

  definition(name: string): MetricDefinition | undefined {
    return this.live.get(name)?.definition;
  }

  seriesCount(name: string): number | undefined {
    return this.live.get(name)?.series.size;
  }

  /** Applies one logged value; returns its definition and the labels as kept. */
  async log(
    projectId: string,
    type: MetricType,
    input: LogInput,
  ): Promise<{ definition: MetricDefinition; labels: Labels }> {
    checkName(input.name);
    if (!Number.isFinite(input.value))
      throw badUserInput(`${input.name}: the value must be a finite number`, { argument: 'value' });
    if (type === 'COUNTER' && input.value < 0)
      throw badUserInput(
        `${input.name} is a counter: it only goes up, so the value must be 0 or more (use logGauge for a gauge)`,
        {
          argument: 'value',
        },
      );
    const labels = checkLabels(input.name, input.labels, type);
    const live = await this.declare(projectId, type, input, Object.keys(labels).sort());
    const key = labelsKey(labels);
    if (!live.series.has(key)) {
      if (live.series.size >= this.maxSeries)
        throw new JarvisError(
          ErrorCode.LIMIT_EXCEEDED,
          `${input.name} already has ${live.series.size} label sets, the most services.analytics.max_series_per_metric allows; a label whose values never repeat (an id, a timestamp) belongs in the run's params or an artifact, not in a metric label`,
          { limit: 'max_series_per_metric', max: this.maxSeries, measured: live.series.size + 1 },
        );
      live.series.add(key);
    }
    if (live.metric instanceof Gauge) live.metric.set(labels, input.value);
    else if (live.metric instanceof Counter) live.metric.inc(labels, input.value);
    else live.metric.observe(labels, input.value);
    return { definition: live.definition, labels };
  }

  /** The counter's total or the gauge's value now (what a sample keeps); a histogram's observation. */
  async current(name: string, labels: Labels, observed: number): Promise<number> {
    const live = this.live.get(name);
    // A gauge was just set to what was observed; only a counter's total needs reading back.
    if (!(live?.metric instanceof Counter)) return observed;
    const key = labelsKey(labels);
    const value = (await live.metric.get()).values.find((v) => labelsKey(v.labels as Labels) === key);
    return value?.value ?? observed;
  }

  private async declare(
    projectId: string,
    type: MetricType,
    input: LogInput,
    labelNames: string[],
  ): Promise<Live> {
    let live = this.live.get(input.name);
    if (!live) {
      if (this.registry.getSingleMetric(input.name))
        throw badUserInput(`${input.name} is one of Jarvis's own metrics; pick another name`, {
          argument: 'name',
        });
      const buckets = type === 'HISTOGRAM' ? checkBuckets(input.buckets) : null;
      await this.store.define({
        name: input.name,
        projectId,
        type,
        help: input.help?.trim() || `${input.name}, logged by ${input.component ?? 'a component'}`,
        labelNames,
        buckets,
        component: input.component ?? null,
      });
      // Another replica may have declared it first, differently: its definition is the one kept.
      const stored = (await this.store.definitions()).find((d) => d.name === input.name)!;
      live = this.live.get(input.name) ?? this.register(stored);
    }
    const { definition } = live;
    // Names are Prometheus names, one namespace for the whole deployment: a name is its first project's.
    if (definition.projectId !== projectId)
      throw badUserInput(
        `the metric name ${input.name} is taken: metric names are shared by every project of this Jarvis (they are Prometheus names); prefix yours, e.g. ${projectId.replace(/[^a-zA-Z0-9_]/g, '_')}_${input.name}`,
        { argument: 'name' },
      );
    if (definition.type !== type)
      throw badUserInput(
        `${input.name} is a ${definition.type.toLowerCase()}; it cannot be logged as a ${type.toLowerCase()} (use ${
          { GAUGE: 'logGauge', COUNTER: 'logCounter', HISTOGRAM: 'logHistogram', SUMMARY: 'logHistogram' }[
            definition.type
          ]
        }, or another name)`,
        { argument: 'name', type: definition.type },
      );
    if (labelNames.join(',') !== definition.labelNames.join(','))
      throw badUserInput(
        `${input.name} has the labels [${definition.labelNames.join(', ')}]; every value must carry exactly those (got [${labelNames.join(', ')}])`,
        { argument: 'labels', expected: definition.labelNames },
      );
    return live;
  }

  private register(definition: MetricDefinition): Live {
    const common = {
      name: definition.name,
      help: definition.help,
      labelNames: definition.labelNames,
      registers: [this.registry],
    };
    const metric =
      definition.type === 'GAUGE'
        ? new Gauge(common)
        : definition.type === 'COUNTER'
          ? new Counter(common)
          : new Histogram({ ...common, ...(definition.buckets ? { buckets: definition.buckets } : {}) });
    const live = { definition, metric, series: new Set<string>() };
    this.live.set(definition.name, live);
    return live;
  }
}

function checkName(name: string) {
  if (!METRIC_NAME.test(name) || name.startsWith('__'))
    throw badUserInput(
      `${JSON.stringify(name)} is not a Prometheus metric name: use letters, digits, _ and :, not starting with a digit or __ (e.g. rink_temperature_celsius)`,
      { argument: 'name' },
    );
  if (name.startsWith('jarvis_'))
    throw badUserInput(
      `metric names starting with jarvis_ are Jarvis's own; name it after your component instead`,
      { argument: 'name' },
    );
}

function checkLabels(metric: string, raw: unknown, type: MetricType): Labels {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw badUserInput(`${metric}: labels must be an object of names to values, e.g. { rink: "north" }`, {
      argument: 'labels',
    });
  const labels: Labels = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__') || (type === 'HISTOGRAM' && name === 'le'))
      throw badUserInput(
        `${metric}: ${JSON.stringify(name)} is not a usable label name (letters, digits and _, not starting with __)`,
        {
          argument: 'labels',
        },
      );
    if (!['string', 'number', 'boolean'].includes(typeof value))
      throw badUserInput(`${metric}: label ${name} must be a string, number or boolean`, {
        argument: 'labels',
      });
    const text = String(value);
    if (text.length > MAX_LABEL_VALUE)
      throw badUserInput(`${metric}: label ${name} is longer than ${MAX_LABEL_VALUE} characters`, {
        argument: 'labels',
      });
    labels[name] = text;
  }
  return labels;
}

function checkBuckets(buckets: number[] | null | undefined): number[] | null {
  if (!buckets?.length) return null;
  const sorted = [...new Set(buckets)].sort((a, b) => a - b);
  if (
    sorted.some((b) => !Number.isFinite(b)) ||
    sorted.length !== buckets.length ||
    sorted.some((b, i) => b !== buckets[i])
  )
    throw badUserInput('buckets must be finite, increasing and distinct', { argument: 'buckets' });
  return sorted;
}
