import type { Principal, RequestContext } from '@jarvis/context';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import type { EntityQueries } from '@jarvis/subgraph';
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  getNamedType,
  Kind,
  print,
  type SelectionSetNode,
  visit,
} from 'graphql';
import { planSubscription, SEQUENCE_KEY, type SubscriptionPlan } from './planSubscription.ts';
import { type SubgraphSubscriptions, SubscriptionFailure } from './subgraphSubscriptions.ts';

export interface FederatedSubscriptionsOptions {
  /** The supergraph's API schema without the gateway's resolvers. */
  schema(): GraphQLSchema;
  /** Root Subscription field → the subgraph that owns it. */
  owners: ReadonlyMap<string, string>;
  /** How to fetch each entity type through the gateway (see EntityQueries). */
  entityQueries: EntityQueries;
  upstream: SubgraphSubscriptions;
  /** Runs a query through the gateway, with its query planning across subgraphs. */
  run(query: string, variables: Record<string, unknown>, context: RequestContext): Promise<ExecutionResult>;
  /** Checks a subscriber's credentials again before each event; throws once they are revoked. */
  authenticate(request: Request): Promise<unknown>;
}

export interface SubscribeArgs {
  document: DocumentNode;
  variables: Record<string, unknown>;
  operationName?: string | null;
  /** The subscriber's context; its headers carry the credentials checked before each event. */
  context: RequestContext & { headers?: Headers };
}

export interface FederatedSubscriptions {
  /** The event stream, or the errors of an operation that cannot be subscribed to. */
  subscribe(args: SubscribeArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>;
  /** Subscriptions open at subgraphs (one per group of identical subscriptions). */
  upstreamCount(): number;
  /** Clients subscribed through the router. */
  subscriberCount(): number;
  /** Ends, with UNAUTHENTICATED, every subscription opened with this API key (it was revoked). */
  revoked(keyId: string): void;
  close(): Promise<void>;
}

/** Objects that came from the owning subgraph: their entities are references still to fetch. */
const UPSTREAM = Symbol('from the owning subgraph');

function markUpstream(value: unknown): unknown {
  if (Array.isArray(value)) value.forEach(markUpstream);
  else if (value && typeof value === 'object') {
    Object.defineProperty(value, UPSTREAM, { value: true });
    for (const child of Object.values(value)) markUpstream(child);
  }
  return value;
}

/** Who may share an upstream subscription: the same principal, in the same project, with the same roles. */
const principalKey = (p: Principal) =>
  `${p.kind}:${p.userId}:${p.projectId}:${[...p.roles].sort().join(',')}:${p.keyId ?? ''}:${p.scopes?.join(',') ?? ''}`;

interface Member {
  push(result: ExecutionResult, last?: boolean): void;
  end(): void;
  /** The API key it subscribed with, if any. */
  keyId?: string | undefined;
}

interface Group {
  key: string;
  members: Set<Member>;
  upstream?: AsyncIterator<ExecutionResult>;
  closed: boolean;
  /**
   * Every event so far, for a stream that replays its past (a sequenced one): a client that joins
   * later gets them first, as it would from a subscription of its own.
   */
  history?: ExecutionResult[];
}

/** Events a subscriber may fall behind by before it is dropped. */
const BACKLOG_LIMIT = 10_000;

/** Events a group keeps for late joiners; a longer stream stops taking new members. */
const HISTORY_LIMIT = 10_000;

/**
 * Subscriptions across the supergraph. The subgraph that owns the root field streams the events
 * (with entities cut to their keys); each event's remaining fields are fetched through the
 * gateway with the caller's selection, once per group of identical subscriptions of one
 * principal, and fanned out to the group's members. Each member is re-authenticated per event.
 */
export function federatedSubscriptions(options: FederatedSubscriptionsOptions): FederatedSubscriptions {
  const entityTypes = new Set(Object.keys(options.entityQueries));
  const groups = new Map<string, Group>();
  const printed = new WeakMap<DocumentNode, string>();
  const plans = new Map<string, SubscriptionPlan>();
  let upstreams = 0;
  let subscribers = 0;

  const textOf = (document: DocumentNode) => {
    let text = printed.get(document);
    if (text === undefined) {
      text = print(document);
      printed.set(document, text);
    }
    return text;
  };

  async function fetchEntity(
    type: string,
    id: string,
    selection: SelectionSetNode,
    document: DocumentNode,
    variables: Record<string, unknown>,
    context: RequestContext,
  ) {
    const template = options.entityQueries[type]!;
    const fragments = new Map<string, FragmentDefinitionNode>();
    const all = new Map<string, FragmentDefinitionNode>();
    let definitions: readonly import('graphql').VariableDefinitionNode[] = [];
    for (const d of document.definitions) {
      if (d.kind === Kind.FRAGMENT_DEFINITION) all.set(d.name.value, d);
      if (d.kind === Kind.OPERATION_DEFINITION) definitions = d.variableDefinitions ?? [];
    }
    // Fragments and operation variables the selection uses travel with it.
    const used = new Set<string>();
    const collect = (node: SelectionSetNode | FragmentDefinitionNode) =>
      visit(node, {
        FragmentSpread(spread) {
          const fragment = all.get(spread.name.value);
          if (fragment && !fragments.has(spread.name.value)) {
            fragments.set(spread.name.value, fragment);
            collect(fragment);
          }
        },
        Variable(variable) {
          used.add(variable.name.value);
        },
      });
    collect(selection);
    const extra = definitions
      .filter((d) => used.has(d.variable.name.value))
      .map((d) => print(d))
      .join(', ');
    const query =
      template
        .replace('query(', extra ? `query(${extra}, ` : 'query(')
        .replace('SELECTION', print(selection)) +
      [...fragments.values()].map((f) => `\n${print(f)}`).join('');
    const values: Record<string, unknown> = { entityId: id };
    for (const name of used) values[name] = variables[name];
    const result = await options.run(query, values, context);
    if (result.errors?.length) {
      const [first] = result.errors;
      throw new JarvisError(
        (first!.extensions?.code as JarvisError['code']) ?? ErrorCode.INTERNAL_SERVER_ERROR,
        first!.message,
        first!.extensions ?? {},
      );
    }
    return (result.data as { entity?: unknown } | null | undefined)?.entity ?? null;
  }

  /** The caller's selection on one event: the subgraph's fields as they came, entities fetched. */
  function resolveEvent(
    data: Record<string, unknown>,
    args: Pick<SubscribeArgs, 'document' | 'variables' | 'operationName' | 'context'>,
  ) {
    const fieldResolver: GraphQLFieldResolver<Record<PropertyKey, unknown>, RequestContext> = (
      source,
      _fieldArgs,
      _context,
      info,
    ) => {
      // Both the subgraph's objects and the gateway's are keyed by the caller's response keys.
      const value = source?.[info.path.key as string] as { id?: unknown; __typename?: string } | undefined;
      if (!source?.[UPSTREAM] || !value || typeof value !== 'object') return value;
      const named = getNamedType(info.returnType).name;
      if (!entityTypes.has(named)) return value;
      const selection: SelectionSetNode = {
        kind: Kind.SELECTION_SET,
        selections: info.fieldNodes.flatMap((n) => n.selectionSet?.selections ?? []),
      };
      const fetchOne = (ref: { id?: unknown; __typename?: string }) =>
        fetchEntity(
          ref.__typename ?? named,
          String(ref.id),
          selection,
          args.document,
          args.variables,
          args.context,
        );
      return Array.isArray(value) ? Promise.all(value.map(fetchOne)) : fetchOne(value);
    };
    return execute({
      schema: options.schema(),
      document: args.document,
      rootValue: markUpstream(data),
      contextValue: args.context,
      variableValues: args.variables,
      operationName: args.operationName,
      fieldResolver,
    });
  }

  async function pump(group: Group, plan: SubscriptionPlan, args: SubscribeArgs) {
    let last = Number.NEGATIVE_INFINITY;
    const broadcast = (result: ExecutionResult, final = false) => {
      if (group.history && !final) {
        group.history.push(result);
        if (group.history.length > HISTORY_LIMIT) {
          group.history = undefined;
          unlist(group);
        }
      }
      for (const member of group.members) member.push(result, final);
    };
    try {
      group.upstream = await options.upstream.open(
        plan,
        pick(args.variables, plan.upstream.variables),
        args.context,
      );
      upstreams++;
      if (group.closed) return;
      for (;;) {
        const next = await group.upstream.next();
        if (next.done || group.closed) break;
        const { data, errors } = next.value;
        if (!data) {
          broadcast({ errors: errors ?? [] });
          continue;
        }
        if (plan.sequenced) {
          // After a resubscription the subgraph replays its log: drop what was delivered.
          const sequence = (data[plan.rootKey] as Record<string, unknown> | null)?.[SEQUENCE_KEY];
          if (typeof sequence === 'number') {
            if (sequence <= last) continue;
            last = sequence;
          }
        }
        const resolved = await resolveEvent(data as Record<string, unknown>, args);
        broadcast(
          errors?.length ? { ...resolved, errors: [...errors, ...(resolved.errors ?? [])] } : resolved,
        );
      }
      broadcast({}, true);
    } catch (error) {
      const errors =
        error instanceof SubscriptionFailure
          ? error.errors
          : [
              error instanceof GraphQLError
                ? error
                : new GraphQLError(String((error as Error)?.message ?? error)),
            ];
      broadcast({ errors }, true);
    } finally {
      if (group.upstream) upstreams--;
      closeGroup(group);
    }
  }

  /** New subscribers stop joining the group; its members carry on. */
  function unlist(group: Group) {
    if (groups.get(group.key) === group) groups.delete(group.key);
  }

  function closeGroup(group: Group) {
    if (group.closed) return;
    group.closed = true;
    unlist(group);
    // Returning the subgraph's iterator ends its pubsub subscription at once.
    void group.upstream?.return?.().catch(() => {});
  }

  return {
    async subscribe(args) {
      const text = textOf(args.document);
      const planKey = `${text}\n${args.operationName ?? ''}`;
      let plan = plans.get(planKey);
      if (!plan) {
        try {
          plan = planSubscription(
            options.schema(),
            args.document,
            args.operationName,
            options.owners,
            entityTypes,
          );
        } catch (error) {
          if (error instanceof GraphQLError) return { errors: [error] };
          throw error;
        }
        if (plans.size > 1_000) plans.clear();
        plans.set(planKey, plan);
      }
      const key = `${planKey}\n${JSON.stringify(args.variables)}\n${principalKey(args.context.principal)}`;
      let group = groups.get(key);
      const fresh = !group;
      if (!group) {
        group = { key, members: new Set(), closed: false, ...(plan.sequenced ? { history: [] } : {}) };
        groups.set(key, group);
      }
      // The subscriber's credentials, checked again before every event it gets.
      const credentials = new Request('http://jarvis.local/graphql', { headers: args.context.headers ?? {} });
      const member = memberOf(
        group,
        () => options.authenticate(credentials),
        () => {
          subscribers--;
          group.members.delete(member);
          if (group.members.size === 0) closeGroup(group);
        },
      );
      member.keyId = args.context.principal.keyId;
      group.members.add(member);
      subscribers++;
      for (const past of group.history ?? []) member.push(past);
      if (fresh) void pump(group, plan, args);
      return member.iterator;
    },
    upstreamCount: () => upstreams,
    subscriberCount: () => subscribers,
    revoked(keyId) {
      const error = new JarvisError(
        ErrorCode.UNAUTHENTICATED,
        `API key ${keyId} was revoked; subscribe again with a valid key`,
      );
      for (const group of [...groups.values()])
        for (const member of [...group.members])
          if (member.keyId === keyId) member.push({ errors: [error] }, true);
    },
    async close() {
      for (const group of [...groups.values()]) {
        for (const member of group.members) member.end();
        closeGroup(group);
      }
      await options.upstream.close();
    },
  };
}

function pick(values: Record<string, unknown>, names: string[]) {
  const picked: Record<string, unknown> = {};
  for (const name of names) if (name in values) picked[name] = values[name];
  return picked;
}

/** One client of a group: a queue the transport pulls from; every event re-checks its auth. */
function memberOf(
  group: Group,
  recheck: () => Promise<unknown>,
  leave: () => void,
): Member & { iterator: AsyncIterableIterator<ExecutionResult> } {
  const queue: { result: ExecutionResult; last: boolean }[] = [];
  let waiting: ((r: IteratorResult<ExecutionResult>) => void) | undefined;
  let done = false;
  let dropped = false;
  let left = false;
  const leaveOnce = () => {
    if (left) return;
    left = true;
    leave();
  };
  const finish = () => {
    if (done) return;
    done = true;
    leaveOnce();
    waiting?.({ done: true, value: undefined });
    waiting = undefined;
  };
  const deliver = async (item: {
    result: ExecutionResult;
    last: boolean;
  }): Promise<IteratorResult<ExecutionResult>> => {
    if (item.last) {
      finish();
      // A final item with nothing to say is the upstream's own end.
      return item.result.errors?.length
        ? { done: false, value: item.result }
        : { done: true, value: undefined };
    }
    try {
      await recheck();
    } catch (error) {
      finish();
      return {
        done: false,
        value: {
          errors: [
            error instanceof GraphQLError
              ? error
              : new JarvisError(ErrorCode.UNAUTHENTICATED, 'credentials are no longer valid; sign in again'),
          ],
        },
      };
    }
    return { done: false, value: item.result };
  };
  const member = {
    push(result: ExecutionResult, last = false) {
      if (done || dropped) return;
      const item = { result, last };
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        void deliver(item).then(resolve);
      } else if (queue.length >= BACKLOG_LIMIT) {
        // A client that stopped reading must not hold events (and memory) for ever.
        queue.length = 0;
        dropped = true;
        leaveOnce(); // at once: its upstream share closes now, its error waits to be read
        queue.push({
          result: {
            errors: [
              new JarvisError(
                ErrorCode.LIMIT_EXCEEDED,
                `the client fell ${BACKLOG_LIMIT} events behind and was dropped; resubscribe (replaying streams resend their history)`,
                { limit: 'backlog', max: BACKLOG_LIMIT },
              ),
            ],
          },
          last: true,
        });
      } else queue.push(item);
    },
    end: finish,
    iterator: {
      next(): Promise<IteratorResult<ExecutionResult>> {
        const item = queue.shift();
        if (item) return deliver(item);
        if (done || group.closed) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => {
          waiting = resolve;
        });
      },
      async return(): Promise<IteratorResult<ExecutionResult>> {
        finish();
        return { done: true, value: undefined };
      },
      // Servers tell an async generator by its `throw` (graphql-sse closes only those).
      async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
        finish();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    } as AsyncIterableIterator<ExecutionResult>,
  };
  return member;
}
