import type { RequestContext } from '@jarvis/context';
import { JarvisError, notFound } from '@jarvis/errors';
import type { PubSub } from '@jarvis/pubsub';
import { type GraphQLSchema, graphql } from 'graphql';
import type { EntityQueries, SubscriptionField } from './subgraphModule.ts';

interface SubscriptionResolver {
  subscribe(
    root: unknown,
    args: Record<string, unknown>,
    context: RequestContext,
  ): Promise<AsyncIterable<unknown>>;
  resolve(payload: unknown): unknown;
}

/**
 * The `Subscription` resolvers of a subgraph: each root field streams its pubsub topic, after the
 * caller's right to see the entity is checked and what already happened is replayed. The router
 * subscribes here (in process, or over graphql-ws) and resolves the fields of other subgraphs.
 */
export function subscriptionResolvers(
  fields: Record<string, SubscriptionField>,
  deps: { pubsub: PubSub; entityQueries: EntityQueries; schema(): GraphQLSchema },
): Record<string, SubscriptionResolver> {
  const run = async (source: string, variables: Record<string, unknown>, context: RequestContext) => {
    const result = await graphql({
      schema: deps.schema(),
      source,
      variableValues: variables,
      contextValue: context,
    });
    const [first] = result.errors ?? [];
    if (first) {
      if (first.originalError instanceof JarvisError) throw first.originalError;
      throw new JarvisError('INTERNAL_SERVER_ERROR', first.message);
    }
    return result.data;
  };
  const resolvers: Record<string, SubscriptionResolver> = {};
  for (const [name, field] of Object.entries(fields)) {
    resolvers[name] = {
      resolve: (payload) => payload,
      async subscribe(_root, args, context) {
        if (field.requires) {
          const id = String(args[field.requires.idArg]);
          const template = deps.entityQueries[field.requires.type];
          if (!template) throw new Error(`no entity query for ${field.requires.type}`);
          const data = (await run(
            template.replace('SELECTION', '{ __typename }'),
            { entityId: id },
            context,
          )) as {
            entity?: unknown;
          } | null;
          if (!data?.entity)
            throw notFound(`no ${field.requires.type} ${JSON.stringify(id)} in this project`, {
              argument: field.requires.idArg,
            });
        }
        const live = await deps.pubsub.subscribe(field.topic(args, context));
        if (!field.filter && !field.replay) return live;
        return withReplayAndFilter(field, args, live, async () => {
          const { replay } = field;
          return replay ? replay.events(await run(replay.query, replay.variables(args), context)) : [];
        });
      },
    };
  }
  return resolvers;
}

/**
 * Replayed events first (read after the live subscription is open, so nothing falls between the
 * two), then live ones past the last replayed sequence, each through the field's filter. Closing
 * it closes the live subscription even before the first event was asked for (a generator's own
 * `finally` would not run then, and the topic would keep a subscriber forever).
 */
function withReplayAndFilter(
  field: SubscriptionField,
  args: Record<string, unknown>,
  live: AsyncIterableIterator<unknown>,
  history: () => Promise<unknown[]>,
): AsyncIterableIterator<unknown> {
  const keep = (event: unknown) => !field.filter || field.filter(args, event);
  const events = (async function* () {
    let last = Number.NEGATIVE_INFINITY;
    for (const event of await history()) {
      if (field.replay) last = Math.max(last, field.replay.sequence(event));
      if (keep(event)) yield event;
    }
    for await (const event of live) {
      if (field.replay && field.replay.sequence(event) <= last) continue;
      if (keep(event)) yield event;
    }
  })();
  const close = async () => {
    await live.return?.();
    return events.return(undefined);
  };
  return {
    next: () => events.next(),
    return: close,
    async throw(error) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
