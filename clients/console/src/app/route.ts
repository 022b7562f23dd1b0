import { useEffect, useState } from 'preact/hooks';

/** A view's address: `#/<path>?<params>`, so any view can be pasted into a chat. */
export interface Route {
  parts: string[];
  params: URLSearchParams;
}

/** A path part as typed; a broken escape (`%E0%A4%A`) is kept as it is rather than thrown. */
function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function currentRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = hash.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodePart), params: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** `#/runs/abc?x=step`, with each path part and parameter encoded; empty parameters left out. */
export function href(parts: (string | number)[], params: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return `#/${parts.map((p) => encodeURIComponent(String(p))).join('/')}${query ? `?${query}` : ''}`;
}

/** Changes parameters of the current view, keeping its path and the others. */
export function withParams(route: Route, changes: Record<string, string | undefined>): string {
  const params: Record<string, string | undefined> = Object.fromEntries(route.params);
  return href(route.parts, { ...params, ...changes });
}

export const navigate = (target: string) => {
  location.hash = target.replace(/^#/, '');
};
