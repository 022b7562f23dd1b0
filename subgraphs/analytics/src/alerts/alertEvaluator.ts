import type { Logger } from '@jarvis/context';
import type { AlertRecord, AlertRuleRecord, Labels } from '../records.ts';
import { labelsKey } from '../records.ts';
import type { AnalyticsStore, RuleOutcome } from '../store/analyticsStore.ts';
import { renderSummary } from './renderSummary.ts';

/** What meets a rule's condition right now: one entry per series. */
export type ConditionSource = (rule: AlertRuleRecord) => Promise<{ labels: Labels; value: number }[]>;

/**
 * Evaluates alert rules in rounds (the analytics subgraph's `alerts` job): each series meeting a rule's condition is an
 * alert, PENDING until it has held `forSeconds`, then FIRING; one that stops meeting it
 * RESOLVES (a pending one is dropped). Each rule is decided under its row lock, so replicas
 * share the work without firing twice. `onChange` hears every alert that started firing or
 * resolved, after the commit.
 */
export class AlertEvaluator {
  private running: Promise<AlertRecord[]> | undefined;
  private readonly store: AnalyticsStore;
  private readonly source: ConditionSource;
  private readonly onChange: (rule: AlertRuleRecord, alerts: AlertRecord[]) => Promise<void>;
  private readonly logger: Logger;

  constructor(options: {
    store: AnalyticsStore;
    source: ConditionSource;
    onChange: (rule: AlertRuleRecord, alerts: AlertRecord[]) => Promise<void>;
    logger: Logger;
  }) {
    this.store = options.store;
    this.source = options.source;
    this.onChange = options.onChange;
    this.logger = options.logger;
  }

  /** Waits for a round under way (rounds run as the analytics subgraph's `alerts` job). */
  async stop(): Promise<void> {
    await this.running?.catch(() => {});
  }

  /** One round over every rule (of every project); a round already running is joined, not doubled. */
  evaluateAll(projectId?: string): Promise<AlertRecord[]> {
    this.running ??= (async () => {
      try {
        const changed: AlertRecord[] = [];
        for (const rule of await this.store.rules(projectId)) changed.push(...(await this.evaluate(rule)));
        return changed;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async evaluate(rule: AlertRuleRecord): Promise<AlertRecord[]> {
    const started = Date.now();
    // Measured before the rule's lock is taken: the lock's transaction must not wait on queries.
    let current: { labels: Labels; value: number }[] | Error;
    try {
      current = await this.source(rule);
    } catch (error) {
      current = error instanceof Error ? error : new Error(String(error));
    }
    const result = await this.store.evaluateRule(rule.id, async (locked, active) =>
      this.decide(locked, active, current),
    );
    if (!result) return [];
    const announced = result.changed.filter(
      (a) => a.state === 'RESOLVED' || (a.state === 'FIRING' && a.firedAt && a.firedAt.getTime() >= started),
    );
    if (announced.length) await this.onChange(result.rule, announced);
    return result.changed;
  }

  private decide(
    rule: AlertRuleRecord,
    active: AlertRecord[],
    current: { labels: Labels; value: number }[] | Error,
  ): RuleOutcome {
    // Nothing is decided from a failed evaluation: alerts keep their state until one succeeds.
    if (current instanceof Error)
      return { state: rule.state, error: current.message, insert: [], update: [], remove: [] };
    const now = new Date();
    const meeting = new Map<string, { labels: Labels; value: number }>();
    for (const series of current) {
      const { __name__: _name, ...rest } = series.labels;
      const labels = { ...rest, ...rule.labels, alertname: rule.name, severity: rule.severity.toLowerCase() };
      meeting.set(labelsKey(labels), { labels, value: series.value });
    }
    const outcome: RuleOutcome = { state: 'OK', error: null, insert: [], update: [], remove: [] };
    const held = (since: Date) => now.getTime() - since.getTime() >= rule.forSeconds * 1000;
    for (const alert of active) {
      const now_ = meeting.get(alert.fingerprint);
      if (!now_) {
        if (alert.state === 'FIRING')
          outcome.update.push({
            id: alert.id,
            state: 'RESOLVED',
            value: alert.value,
            summary: alert.summary,
            firedAt: alert.firedAt,
            resolvedAt: now,
          });
        else outcome.remove.push(alert.id);
        continue;
      }
      meeting.delete(alert.fingerprint);
      const summary = renderSummary(rule, now_.labels, now_.value);
      const fires = alert.state === 'FIRING' || held(alert.activeSince);
      outcome.update.push({
        id: alert.id,
        state: fires ? 'FIRING' : 'PENDING',
        value: now_.value,
        summary,
        firedAt: alert.firedAt ?? (fires ? now : null),
        resolvedAt: null,
      });
    }
    for (const [fingerprint, { labels, value }] of meeting) {
      const fires = rule.forSeconds === 0;
      outcome.insert.push({
        fingerprint,
        labels,
        state: fires ? 'FIRING' : 'PENDING',
        value,
        summary: renderSummary(rule, labels, value),
        activeSince: now,
        firedAt: fires ? now : null,
        resolvedAt: null,
      });
    }
    const states = [...outcome.insert, ...outcome.update].map((a) => a.state);
    outcome.state = states.includes('FIRING') ? 'FIRING' : states.includes('PENDING') ? 'PENDING' : 'OK';
    return outcome;
  }
}
