import { html } from 'htm/preact';
import { ConsoleAlertsDocument, ConsoleHealthDocument } from '../../generated/graphql.ts';
import { ErrorNote } from '../components/errorNote.ts';
import { StatusBadge } from '../components/statusBadge.ts';
import { formatNumber, formatTime } from '../format.ts';
import { useQuery } from '../useQuery.ts';

/** Firing alerts first, then the rules and the notifications they sent. */
export function AlertsView() {
  const { data, error, reload } = useQuery(ConsoleAlertsDocument, {});
  const alerts = (data?.alerts.edges ?? [])
    .map((e) => e.node)
    .sort((a, b) => Number(b.state === 'FIRING') - Number(a.state === 'FIRING'));
  return html`<section>
    <h1>Alerts <button type="button" onClick=${reload}>Refresh</button></h1>
    <${ErrorNote} error=${error} />
    <h2>Alerts</h2>
    ${data && alerts.length === 0 ? html`<p class="empty">No alerts.</p>` : ''}
    ${
      alerts.length
        ? html`<table class="data"><thead><tr><th>Rule</th><th>Severity</th><th>State</th><th>Value</th><th>Summary</th><th>Since</th><th>Resolved</th></tr></thead>
          <tbody>${alerts.map(
            (a) =>
              html`<tr class=${a.state === 'FIRING' ? 'firing' : ''}><td>${a.rule.name}</td><td>${a.rule.severity.toLowerCase()}</td><td><${StatusBadge} status=${a.state} /></td><td>${formatNumber(a.value)}</td><td>${a.summary ?? ''}</td><td>${formatTime(a.firedAt ?? a.activeSince)}</td><td>${formatTime(a.resolvedAt)}</td></tr>`,
          )}</tbody></table>`
        : ''
    }
    <h2>Rules</h2>
    ${data && data.alertRules.edges.length === 0 ? html`<p class="empty">No alert rules.</p>` : ''}
    ${
      data?.alertRules.edges.length
        ? html`<table class="data"><thead><tr><th>Name</th><th>Expression</th><th>For</th><th>Severity</th><th>State</th><th>Last evaluated</th></tr></thead>
          <tbody>${data.alertRules.edges.map(
            ({ node: r }) =>
              html`<tr><td>${r.name}</td><td><code>${r.expr}</code></td><td>${r.forSeconds} s</td><td>${r.severity.toLowerCase()}</td><td><${StatusBadge} status=${r.state} />${r.lastError ? html` <span class="error">${r.lastError}</span>` : ''}</td><td>${formatTime(r.lastEvaluatedAt)}</td></tr>`,
          )}</tbody></table>`
        : ''
    }
    <h2>Notifications</h2>
    ${data && data.notifications.edges.length === 0 ? html`<p class="empty">No notifications sent.</p>` : ''}
    ${
      data?.notifications.edges.length
        ? html`<table class="data"><thead><tr><th>Subject</th><th>Channel</th><th>Status</th><th>Attempts</th><th>Created</th><th>Delivered</th></tr></thead>
          <tbody>${data.notifications.edges.map(
            ({ node: n }) =>
              html`<tr><td>${n.subject}</td><td>${n.channel ? `${n.channel.name} (${n.channel.kind.toLowerCase()})` : '—'}</td><td><${StatusBadge} status=${n.status} />${n.lastError ? html` <span class="error">${n.lastError}</span>` : ''}</td><td>${n.attempts}</td><td>${formatTime(n.createdAt)}</td><td>${formatTime(n.deliveredAt)}</td></tr>`,
          )}</tbody></table>`
        : ''
    }
  </section>`;
}

/** Every service's and backend's health, as `health` reports it. */
export function HealthView() {
  const { data, error, reload } = useQuery(ConsoleHealthDocument, {});
  return html`<section>
    <h1>Health <button type="button" onClick=${reload}>Refresh</button></h1>
    <${ErrorNote} error=${error} />
    ${
      data
        ? html`<table class="data"><thead><tr><th>Name</th><th>Kind</th><th>Status</th><th>Latency</th><th>Message</th><th>Checked</th></tr></thead>
          <tbody>${data.health.map(
            (h) =>
              html`<tr data-health=${h.name}><td>${h.name}</td><td>${h.kind.toLowerCase()}</td><td><${StatusBadge} status=${h.status} /></td><td>${h.latencyMs.toFixed(1)} ms</td><td>${h.message ?? ''}</td><td>${formatTime(h.checkedAt)}</td></tr>`,
          )}</tbody></table>`
        : ''
    }
  </section>`;
}
