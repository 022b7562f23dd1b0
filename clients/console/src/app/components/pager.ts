import { html } from 'htm/preact';
import { navigate, type Route, withParams } from '../route.ts';

const PAGE = 50;

/**
 * Where a paged view is: the `after` cursors of the pages before this one, kept in the address
 * (`page=`), so a paged view can be linked to as well.
 */
export function cursorsOf(route: Route): string[] {
  return route.params.get('page')?.split(',').filter(Boolean) ?? [];
}

/** The `first`/`after` variables of the page the address names. */
export function pageOf(route: Route): { first: number; after?: string } {
  const after = cursorsOf(route).at(-1);
  return after ? { first: PAGE, after } : { first: PAGE };
}

interface Connection {
  totalCount: number;
  edges: readonly unknown[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** Previous and next pages of a Relay connection, and how many there are in all. */
export function Pager(props: { route: Route; connection: Connection }) {
  const cursors = cursorsOf(props.route);
  const { totalCount, edges, pageInfo } = props.connection;
  const go = (next: string[]) => navigate(withParams(props.route, { page: next.join(',') || undefined }));
  return html`<nav class="pager" aria-label="pages">
    <span>${totalCount.toLocaleString()} in all${totalCount > edges.length ? `, page ${cursors.length + 1}` : ''}</span>
    <button type="button" disabled=${cursors.length === 0} onClick=${() => go(cursors.slice(0, -1))}>‹ Previous</button>
    <button type="button" disabled=${!pageInfo.hasNextPage || !pageInfo.endCursor} onClick=${() => go([...cursors, pageInfo.endCursor!])}>Next ›</button>
  </nav>`;
}
