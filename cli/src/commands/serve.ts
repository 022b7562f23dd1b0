import { createRuntime, exposureProblem, routerOverSubgraphs, SUBGRAPHS } from '@jarvis/app';
import { createSubgraphServer, serveFetch } from '@jarvis/router';
import { onShutdown } from '../onShutdown.ts';
import { startupConfig } from '../startupConfig.ts';

export async function serve(name: string, options: { config?: string; port?: string; host?: string }) {
  const { config } = startupConfig(options.config, options);
  const exposed = exposureProblem(config, config.server.host);
  if (exposed) {
    console.error(exposed);
    process.exit(2);
  }
  const names = SUBGRAPHS.map((s) => s.name);
  if (name !== 'router' && !names.includes(name)) {
    console.error(`unknown service ${JSON.stringify(name)}; expected router or one of: ${names.join(', ')}`);
    process.exit(2);
  }
  if (name === 'router') {
    const runtime = await createRuntime(config, { database: false });
    const { router, urls } = routerOverSubgraphs(config, runtime);
    await router.start();
    const server = await serveFetch(router.fetch, { ...config.server, websockets: router.websockets });
    runtime.logger.info({ url: server.url, subgraphs: urls }, 'router ready');
    onShutdown(
      async () => {
        await server.close();
        await router.stop();
        await runtime.close();
      },
      (m) => runtime.logger.info(m),
    );
    return;
  }
  const runtime = await createRuntime(config);
  const entry = SUBGRAPHS.find((s) => s.name === name)!;
  // The subgraphs it calls run beside it, unserved, on the same database and blob store.
  const peers = entry.uses.map((used) => SUBGRAPHS.find((s) => s.name === used)!.create(runtime));
  for (const peer of peers) {
    await peer.start();
    runtime.peers.set(peer.name, peer.service);
  }
  const subgraph = createSubgraphServer(entry.create(runtime), runtime);
  await subgraph.start();
  await runtime.jobs.start();
  const server = await serveFetch(subgraph.fetch, { ...config.server, websockets: subgraph.websockets });
  runtime.logger.info({ url: `${server.url}/graphql`, subgraph: name }, 'subgraph ready');
  onShutdown(
    async () => {
      await server.close();
      await subgraph.stop();
      for (const peer of peers.reverse()) await peer.stop();
      await runtime.close();
    },
    (m) => runtime.logger.info(m),
  );
}
