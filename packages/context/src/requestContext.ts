import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Principal } from './principal.ts';

/** What every resolver, service and store call can know about the request it serves. */
export interface RequestContext {
  requestId: string;
  principal: Principal;
  /** A child logger that stamps requestId, userId and projectId on every line. */
  logger: Logger;
  /** The caller's address as the router saw it (for the audit log). */
  clientAddress?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Honours a caller's `x-request-id` when it is sane, so traces join up across services. */
export function requestIdFrom(headers: Headers): string {
  const given = headers.get('x-request-id');
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

export function createRequestContext(base: Logger, principal: Principal, requestId: string): RequestContext {
  return {
    requestId,
    principal,
    logger: base.child({ requestId, userId: principal.userId, projectId: principal.projectId }),
  };
}

export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current request's context, for code far from the resolver (stores, background work). */
export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}
