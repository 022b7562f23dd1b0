import { AsyncLocalStorage } from 'node:async_hooks';
import type { CompiledQuery, QueryResult } from 'kysely';

/** Runs one more statement in the transaction about to commit, on its own connection. */
export type RunInTransaction = <R>(query: CompiledQuery) => Promise<QueryResult<R>>;

export type BeforeCommit = (run: RunInTransaction) => Promise<void>;

const hooks = new AsyncLocalStorage<BeforeCommit>();

/**
 * Runs `fn`; every SQL transaction that commits inside it (on any store of this process's
 * database) first runs `hook` on its connection, so what the hook writes commits or rolls back
 * with the change. The audit log writes a mutation's entry this way.
 */
export function withBeforeCommit<T>(hook: BeforeCommit, fn: () => T): T {
  return hooks.run(hook, fn);
}

export const beforeCommitHook = (): BeforeCommit | undefined => hooks.getStore();
