import { html } from 'htm/preact';
import type { ApiError } from '../api.ts';

/** A failed request, in words: the message, and the code to search the docs for. */
export function ErrorNote(props: { error: ApiError | Error | undefined }) {
  if (!props.error) return null;
  const code = 'code' in props.error ? (props.error as ApiError).code : undefined;
  return html`<p class="error" role="alert">${props.error.message}${code ? html` <code>${code}</code>` : ''}</p>`;
}

/** What a view shows for an id that does not exist, or exists in a project the caller cannot see. */
export function NotFound(props: { what: string }) {
  return html`<section class="not-found"><h2>${props.what} not found</h2><p>It does not exist, or it belongs to a project you cannot see.</p></section>`;
}
