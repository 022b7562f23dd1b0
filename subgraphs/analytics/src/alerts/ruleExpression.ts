import { badUserInput } from '@jarvis/errors';
import type { Labels, Operator } from '../records.ts';

export const OPERATORS: Record<Operator, { promql: string; test(a: number, b: number): boolean }> = {
  GT: { promql: '>', test: (a, b) => a > b },
  GE: { promql: '>=', test: (a, b) => a >= b },
  LT: { promql: '<', test: (a, b) => a < b },
  LE: { promql: '<=', test: (a, b) => a <= b },
  EQ: { promql: '==', test: (a, b) => a === b },
  NE: { promql: '!=', test: (a, b) => a !== b },
};

/** The PromQL of a threshold rule: `metric{label="v"} > 5`. */
export function thresholdExpr(
  metric: string,
  matchLabels: Labels | null,
  operator: Operator,
  threshold: number,
): string {
  const matchers = Object.entries(matchLabels ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${metric}${matchers.length ? `{${matchers.join(',')}}` : ''} ${OPERATORS[operator].promql} ${threshold}`;
}

/** Label names to string values (`argument` names the input in errors). */
export function checkMatchLabels(raw: unknown, argument = 'matchLabels'): Labels | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw badUserInput(`${argument} must be an object of label names to values`, { argument });
  return Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).map(([k, v]) => {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
        throw badUserInput(
          `${argument}.${k} must be a string (a label value), not ${v === null ? 'null' : typeof v}`,
          {
            argument,
          },
        );
      return [k, String(v)];
    }),
  );
}
