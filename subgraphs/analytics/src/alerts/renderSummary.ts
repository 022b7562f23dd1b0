import type { AlertRuleRecord, Labels } from '../records.ts';

/** Fills `{{labels.rink}}`, `{{value}}` and `{{rule}}` in a rule's summary. */
export function renderSummary(
  rule: Pick<AlertRuleRecord, 'name' | 'summary' | 'expr'>,
  labels: Labels,
  value: number,
): string {
  const template = rule.summary ?? `${rule.name}: ${rule.expr} is {{value}}`;
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, path: string) => {
    if (path === 'value') return String(Number(value.toPrecision(6)));
    if (path === 'rule') return rule.name;
    if (path.startsWith('labels.')) return labels[path.slice(7)] ?? '';
    return whole;
  });
}
