import type { NotificationEvent } from './records.ts';

/** Subject and body per event type, unless a rule gives its own. */
export const DEFAULT_TEMPLATES: Record<NotificationEvent, { subject: string; body: string }> = {
  ALERT_FIRING: {
    subject: '[{{severity}}] {{rule}} is firing',
    body: '{{summary}}\nValue: {{value}}\nLabels: {{labels}}',
  },
  ALERT_RESOLVED: { subject: '[resolved] {{rule}}', body: '{{summary}}\nLabels: {{labels}}' },
  WORKFLOW_COMPLETED: {
    subject: 'Workflow {{workflow}} completed',
    body: 'Run {{runId}} of {{workflow}} completed.',
  },
  WORKFLOW_FAILED: {
    subject: 'Workflow {{workflow}} {{status}}',
    body: 'Run {{runId}} of {{workflow}} ended {{status}}: {{error}}',
  },
  MODEL_ALIAS_MOVED: {
    subject: '{{model}}@{{alias}} now points at version {{version}}',
    body: '{{model}}@{{alias}} moved from version {{previousVersion}} to {{version}}.',
  },
  MODEL_REGISTRY: {
    subject: 'Model registry: {{entity}}.{{action}} {{data.name}}',
    body: '{{entity}}.{{action}}: {{data}}',
  },
  TEST: {
    subject: 'Test notification from Jarvis',
    body: 'If you can read this, the channel {{channel}} works.',
  },
};

/** Fills `{{field}}` (and `{{a.b}}`) from the event's data; objects render as `k=v, …`. */
export function render(template: string, data: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_whole, path: string) => {
    let value: unknown = data;
    for (const part of path.split('.'))
      value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    if (value === null || value === undefined) return '—';
    if (typeof value === 'object')
      return Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ');
    return String(value);
  });
}
