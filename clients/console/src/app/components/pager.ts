import { html } from 'htm/preact';

/**
 * Pages of a Relay connection: `after` cursors kept in the address (`page` = the cursors so
 * far), so a paged view can be linked to as well.
 */
export function Pager(props: {
  total: number;
  shown: number;
  cursors: string[];
  endCursor: string | null | undefined;
  hasNext: boolean;
  go(cursors: string[]): void;
}) {
  const page = props.cursors.length;
  return html`<nav class="pager" aria-label="pages">
    <span>${props.total.toLocaleString()} in all${props.total > props.shown ? `, page ${page + 1}` : ''}</span>
    <button type="button" disabled=${page === 0} onClick=${() => props.go(props.cursors.slice(0, -1))}>‹ Previous</button>
    <button type="button" disabled=${!props.hasNext || !props.endCursor} onClick=${() => props.go([...props.cursors, props.endCursor!])}>Next ›</button>
  </nav>`;
}
