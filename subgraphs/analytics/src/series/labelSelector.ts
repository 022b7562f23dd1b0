import { badUserInput } from '@jarvis/errors';
import type { Labels } from '../records.ts';

export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Selector {
  metric: string;
  matchers: Matcher[];
}

const SELECTOR = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?\s*$/s;
const MATCHER = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;

/**
 * A PromQL instant-vector selector, `name{label="v", other!~"re.*"}`: what the embedded store
 * answers without a Prometheus server.
 */
export function parseSelector(query: string): Selector {
  const match = SELECTOR.exec(query);
  if (!match)
    throw badUserInput(
      `without Prometheus, metricSeries takes a metric name with label matchers, e.g. rink_temperature{rink="north"}; got ${JSON.stringify(query)}. For full PromQL set services.analytics.type: prometheus`,
      { argument: 'query' },
    );
  const matchers: Matcher[] = [];
  const body = match[2]?.trim() ?? '';
  MATCHER.lastIndex = 0;
  while (MATCHER.lastIndex < body.length) {
    const at = MATCHER.lastIndex;
    const m = MATCHER.exec(body);
    if (!m)
      throw badUserInput(`cannot read the label matchers at character ${at + 1} of {${body}}`, {
        argument: 'query',
      });
    matchers.push({ name: m[1]!, op: m[2] as Matcher['op'], value: JSON.parse(`"${m[3]}"`) as string });
    if (!m[4]) break;
  }
  for (const m of matchers)
    if (m.op === '=~' || m.op === '!~')
      try {
        new RegExp(`^(?:${m.value})$`);
      } catch {
        throw badUserInput(`label ${m.name}: ${JSON.stringify(m.value)} is not a valid regular expression`, {
          argument: 'query',
        });
      }
  return { metric: match[1]!, matchers };
}

export function matches(labels: Labels, matchers: Matcher[]): boolean {
  return matchers.every(({ name, op, value }) => {
    const actual = labels[name] ?? '';
    if (op === '=') return actual === value;
    if (op === '!=') return actual !== value;
    const hit = new RegExp(`^(?:${value})$`).test(actual);
    return op === '=~' ? hit : !hit;
  });
}
