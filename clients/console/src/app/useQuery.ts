import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, request } from './api.ts';

export interface QueryState<R> {
  data: R | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
  /** Replaces the data in place (a live update), without a request. */
  update(change: (data: R) => R): void;
}

/**
 * A query whose result follows its variables: a new request when they change (compared as
 * JSON), the older answer dropped if it arrives late.
 */
export function useQuery<R, V>(document: TypedDocumentNode<R, V>, variables: V, skip = false): QueryState<R> {
  const key = JSON.stringify(variables);
  const [state, setState] = useState<{ data?: R; error?: ApiError; loading: boolean }>({ loading: !skip });
  const [version, setVersion] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    if (skip) return;
    const ticket = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    request(document, JSON.parse(key) as V).then(
      (data) => ticket === latest.current && setState({ data, loading: false }),
      (error: ApiError) => ticket === latest.current && setState({ error, loading: false }),
    );
  }, [document, key, version, skip]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const update = useCallback(
    (change: (data: R) => R) => setState((s) => (s.data ? { ...s, data: change(s.data) } : s)),
    [],
  );
  return { data: state.data, error: state.error, loading: state.loading, reload, update };
}
