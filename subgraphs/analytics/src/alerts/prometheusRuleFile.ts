import { stringify } from 'yaml';
import type { AlertRuleRecord } from '../records.ts';

/** The rules in Prometheus's rule-file format (`rule_files:` in prometheus.yml), for Alertmanager. */
export function prometheusRuleFile(rules: AlertRuleRecord[]): string {
  return stringify({
    groups: [
      {
        name: 'jarvis',
        rules: rules.map((rule) => ({
          alert: rule.name.replace(/[^a-zA-Z0-9_]/g, '_'),
          expr: rule.expr,
          ...(rule.forSeconds ? { for: `${rule.forSeconds}s` } : {}),
          labels: { severity: rule.severity.toLowerCase(), ...rule.labels },
          annotations: {
            summary: (rule.summary ?? `${rule.name}: ${rule.expr} is {{value}}`)
              .replace(/\{\{\s*value\s*\}\}/g, '{{ $value }}')
              .replace(/\{\{\s*labels\.(\w+)\s*\}\}/g, '{{ $labels.$1 }}'),
            jarvis_rule_id: rule.id,
          },
        })),
      },
    ],
  });
}
