import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestContext } from '@jarvis/context';
import { formatError, JarvisError, notFound } from '@jarvis/errors';
import type { PubSub } from '@jarvis/pubsub';
import type { EntityQueries, SubscriptionField } from '@jarvis/subgraph';
import {
  buildSchema,
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  getNamedType,
  Kind,
  print,
  printSchema,
  type SelectionSetNode,
  subscribe,
  visit,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

export interface SubscriptionServerOptions {
  /** The supergraph's API schema, once the gateway has loaded it. */
  schema(): GraphQLSchema | undefined;
  /** Runs a query or mutation through the gateway (query planning across subgraphs). */
  run(query: string, variables: Record<string, unknown>, context: RequestContext): Promise<ExecutionResult>;
  pubsub: PubSub;
  fields: Record<string, SubscriptionField>;
  entityQueries: EntityQueries;
  /** The context of an operation from the upgrade request and connection_init's payload. */
  contextFor(request: Request): Promise<RequestContext>;
}

export interface SubscriptionServer {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/** Objects that came back from the gateway: their keys are the caller's response keys (aliases). */
const FETCHED = Symbol('fetched through the gateway');

function markFetched(value: unknown): unknown {
  if (Array.isArray(value)) value.forEach(markFetched);
  else if (value && typeof value === 'object') {
    Object.defineProperty(value, FETCHED, { value: true });
    for (const child of Object.values(value)) markFetched(child);
  }
  return value;
}

/**
 * The router's graphql-ws endpoint (`/graphql`, protocol graphql-transport-ws). @apollo/gateway
 * executes no subscriptions, so the router does: a root field's events come from pubsub (the
 * owning subgraph publishes them), and every field of an event that is an entity is fetched
 * through the gateway with the caller's selection, so fields of every subgraph resolve.
 * Queries and mutations sent over the socket go through the gateway as over HTTP.
 */
export function createSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const wss = new WebSocketServer({ noServer: true });
  const plainSchemas = new WeakMap<GraphQLSchema, GraphQLSchema>();

  async function fetchEntity(
    type: string,
    id: string,
    selection: SelectionSetNode,
    args: {
      fragments: Record<string, FragmentDefinitionNode>;
      /** The operation's variable definitions, one per line. */
      definitions: string;
      operationVariables: ExecutionArgs['variableValues'];
    },
    context: RequestContext,
  ) {
    const template = options.entityQueries[type]!;
    // Fragments and operation variables the selection uses travel with it.
    const fragments = new Map<string, FragmentDefinitionNode>();
    const variables = new Set<string>();
    const collect = (node: SelectionSetNode | FragmentDefinitionNode) =>
      visit(node, {
        FragmentSpread(spread) {
          const fragment = args.fragments[spread.name.value];
          if (fragment && !fragments.has(spread.name.value)) {
            fragments.set(spread.name.value, fragment);
            collect(fragment);
          }
        },
        Variable(variable) {
          variables.add(variable.name.value);
        },
      });
    collect(selection);
    const extra = args.definitions
      .split('\n')
      .filter((d) => variables.has(d.slice(1, d.indexOf(':'))))
      .join(', ');
    const query =
      template
        .replace('query(', extra ? `query(${extra}, ` : 'query(')
        .replace('SELECTION', print(selection)) +
      [...fragments.values()].map((f) => `\n${print(f)}`).join('');
    const values: Record<string, unknown> = { entityId: id };
    for (const name of variables) values[name] = args.operationVariables?.[name];
    const result = await options.run(query, values, context);
    if (result.errors?.length) {
      const [first] = result.errors;
      throw new JarvisError(
        (first!.extensions?.code as JarvisError['code']) ?? 'INTERNAL_SERVER_ERROR',
        first!.message,
        first!.extensions ?? {},
      );
    }
    const entity = (result.data as { entity?: unknown } | null | undefined)?.entity;
    return entity ? markFetched(entity) : null;
  }

  function executionHelpers(execution: ExecutionArgs) {
    const fragments: Record<string, FragmentDefinitionNode> = {};
    let definitions = '';
    for (const definition of execution.document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
      if (definition.kind === Kind.OPERATION_DEFINITION)
        definitions = (definition.variableDefinitions ?? []).map((v) => print(v)).join('\n');
    }
    return { fragments, definitions, operationVariables: execution.variableValues };
  }

  function subscribeThroughPubsub(execution: ExecutionArgs) {
    const helpers = executionHelpers(execution);
    const context = execution.contextValue as RequestContext;
    const fieldResolver: GraphQLFieldResolver<Record<PropertyKey, unknown>, RequestContext> = (
      source,
      _args,
      _context,
      info,
    ) => {
      // The root field's value is the event itself.
      if (info.path.prev === undefined) return source;
      if (source?.[FETCHED]) return source[info.path.key as string];
      const value = source?.[info.fieldName] as { id?: unknown } | undefined;
      const type = getNamedType(info.returnType).name;
      const selections = info.fieldNodes.flatMap((n) => n.selectionSet?.selections ?? []);
      if (options.entityQueries[type] && value && typeof value === 'object' && value.id !== undefined) {
        return fetchEntity(
          type,
          String(value.id),
          { kind: Kind.SELECTION_SET, selections },
          helpers,
          context,
        );
      }
      return value;
    };
    const subscribeFieldResolver: GraphQLFieldResolver<unknown, RequestContext> = async (
      _root,
      args,
      _context,
      info,
    ) => {
      const field = options.fields[info.fieldName];
      if (!field) throw new GraphQLError(`subscription ${info.fieldName} has no event source`);
      if (field.requires) {
        const id = String(args[field.requires.idArg]);
        const seen = await fetchEntity(
          field.requires.type,
          id,
          {
            kind: Kind.SELECTION_SET,
            selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }],
          },
          helpers,
          context,
        );
        if (!seen)
          throw notFound(`no ${field.requires.type} ${JSON.stringify(id)} in this project`, {
            argument: field.requires.idArg,
          });
      }
      const live = await options.pubsub.subscribe(field.topic(args, context));
      if (!field.filter && !field.replay) return live;
      return withReplayAndFilter(field, args, live, async () => {
        const { replay } = field;
        if (!replay) return [];
        const result = await options.run(replay.query, replay.variables(args), context);
        if (result.errors?.length) throw new GraphQLError(result.errors[0]!.message);
        return replay.events(result.data);
      });
    };
    return subscribe({ ...execution, fieldResolver, subscribeFieldResolver });
  }

  const format = (errors: readonly GraphQLError[], context?: RequestContext) =>
    errors.map((e) => formatError(e.toJSON(), e, context?.requestId));

  const server = useServer<Record<string, unknown>, { request: IncomingMessage }>(
    {
      schema: () => {
        const schema = options.schema();
        if (!schema) throw new Error('the supergraph is not loaded yet');
        // The gateway's schema carries its own root resolvers; events need a plain one.
        let plain = plainSchemas.get(schema);
        if (!plain) {
          plain = buildSchema(printSchema(schema));
          plainSchemas.set(schema, plain);
        }
        return plain;
      },
      context: async (ctx) => {
        const headers = new Headers();
        for (const [key, value] of Object.entries(ctx.extra.request.headers)) {
          if (typeof value === 'string') headers.set(key, value);
        }
        // Browsers cannot set headers on a WebSocket: credentials come in connection_init.
        const authorization = ctx.connectionParams?.authorization;
        if (typeof authorization === 'string') headers.set('authorization', authorization);
        return options.contextFor(new Request('http://jarvis.local/graphql', { headers }));
      },
      subscribe: (execution) => subscribeThroughPubsub(execution),
      execute: (execution) =>
        options.run(
          print(execution.document),
          (execution.variableValues ?? {}) as Record<string, unknown>,
          execution.contextValue as RequestContext,
        ),
      onNext: (_ctx, _id, _payload, args, result) =>
        result.errors?.length
          ? {
              ...result,
              errors: format(result.errors as GraphQLError[], args.contextValue as RequestContext),
            }
          : result,
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
  );

  let closing: Promise<void> | undefined;
  return {
    handleUpgrade(request, socket, head) {
      if (new URL(request.url ?? '/', 'http://jarvis.local').pathname !== '/graphql') {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    close() {
      // Both the HTTP server and the router close it; the first one does the work.
      closing ??= (async () => {
        await server.dispose();
        for (const client of wss.clients) client.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return closing;
    },
  };
}

/**
 * Replayed events first (fetched after the live subscription is open, so nothing falls between
 * the two), then live ones past the last replayed sequence, each through the field's filter.
 */
async function* withReplayAndFilter(
  field: SubscriptionField,
  args: Record<string, unknown>,
  live: AsyncIterableIterator<unknown>,
  history: () => Promise<unknown[]>,
): AsyncGenerator<unknown> {
  const keep = (event: unknown) => !field.filter || field.filter(args, event);
  try {
    let last = Number.NEGATIVE_INFINITY;
    for (const event of await history()) {
      if (field.replay) last = Math.max(last, field.replay.sequence(event));
      if (keep(event)) yield event;
    }
    for await (const event of live) {
      if (field.replay && field.replay.sequence(event) <= last) continue;
      if (keep(event)) yield event;
    }
  } finally {
    await live.return?.();
  }
}
