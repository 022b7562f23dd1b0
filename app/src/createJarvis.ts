import type { JarvisConfig } from '@jarvis/config';
import type { Logger, Principal } from '@jarvis/context';
import { createRouter, type IdentityResolver, type Router } from '@jarvis/router';
import type { Subgraph, SubgraphModule } from '@jarvis/subgraph';
import { graphql } from 'graphql';
import { precomposedSupergraph } from './committedSupergraph.ts';
import { createRuntime, type Runtime } from './createRuntime.ts';
import { ENTITY_QUERIES, SUBGRAPHS } from './subgraphCatalog.ts';
import { TRUSTED_DOCUMENTS } from './trustedDocuments.ts';
import { consoleOption } from './webConsole.ts';

export interface Jarvis {
  router: Router;
  runtime: Runtime;
  subgraphs: SubgraphModule[];
  /** Stops in order: router (no new requests), subgraphs (finish work), then backends. */
  stop(): Promise<void>;
}

export interface JarvisOptions {
  logger?: Logger;
  /** The subgraphs to run; the catalog's by default. */
  subgraphs?: Subgraph[];
  /** Replaces the authenticator `auth.mode` chooses (tests that need a principal per header). */
  authenticate?: (request: Request) => Promise<Principal>;
}

/** `jarvis dev`: the router and every subgraph in this process, on the configured backends. */
export async function createJarvis(config: JarvisConfig, options: JarvisOptions = {}): Promise<Jarvis> {
  const runtime = await createRuntime(config, options);
  const subgraphs: SubgraphModule[] = [];
  try {
    for (const entry of options.subgraphs ?? SUBGRAPHS) {
      const module = entry.create(runtime);
      await module.start();
      subgraphs.push(module);
      runtime.peers.set(module.name, module.service);
      runtime.health.register({
        name: module.name,
        kind: 'SERVICE',
        check: async () => {
          const result = await graphql({ schema: module.schema, source: '{ _service { sdl } }' });
          if (result.errors?.length) throw new Error(result.errors[0]!.message);
          return 'in-process';
        },
      });
    }
    const supergraphSdl = precomposedSupergraph(subgraphs);
    const router = createRouter({
      ...runtime,
      subgraphs,
      ...(supergraphSdl ? { supergraphSdl } : {}),
      entityQueries: options.subgraphs
        ? Object.assign({}, ...options.subgraphs.map((s) => s.entityQueries))
        : ENTITY_QUERIES,
      documents: TRUSTED_DOCUMENTS,
      ...consoleOption(runtime.config, runtime.logger),
      // The identity subgraph in this process answers who a key or token names.
      identity: () => {
        const identity = subgraphs.find((m) => m.name === 'identity')?.service;
        if (!identity) throw new Error('auth.mode needs the identity subgraph, and it is not running');
        return identity as IdentityResolver;
      },
      ...(options.authenticate ? { authenticate: options.authenticate } : {}),
    });
    await router.start();
    await runtime.jobs.start();
    return {
      router,
      runtime,
      subgraphs,
      async stop() {
        await router.stop();
        await runtime.jobs.stop();
        for (const module of subgraphs.reverse()) await module.stop();
        await runtime.close();
      },
    };
  } catch (error) {
    for (const module of subgraphs.reverse()) await module.stop().catch(() => {});
    await runtime.close().catch(() => {});
    throw error;
  }
}
