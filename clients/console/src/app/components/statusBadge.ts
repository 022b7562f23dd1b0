import { html } from 'htm/preact';

/** A status (RUNNING, TIMED_OUT, …) as a coloured word; its colour comes from `status-<name>` in styles.css. */
export function StatusBadge(props: { status: string }) {
  return html`<span class=${`badge status-${props.status.toLowerCase()}`}>${props.status.toLowerCase().replace(/_/g, ' ')}</span>`;
}
