import { createJarvis, exposureProblem } from '@jarvis/app';
import { serveFetch } from '@jarvis/router';
import { onShutdown } from '../onShutdown.ts';
import { startupConfig } from '../startupConfig.ts';

export async function dev(options: { config?: string; port?: string; host?: string }) {
  const started = performance.now();
  const { config, file } = startupConfig(options.config, options);
  const exposed = exposureProblem(config, config.server.host);
  if (exposed) {
    console.error(exposed);
    process.exit(2);
  }
  const jarvis = await createJarvis(config);
  const server = await serveFetch(jarvis.router.fetch, {
    ...config.server,
    websockets: jarvis.router.websockets,
  }).catch(async (error: NodeJS.ErrnoException) => {
    await jarvis.stop();
    if (error.code !== 'EADDRINUSE') throw error;
    console.error(
      `port ${config.server.port} on ${config.server.host} is in use: stop what holds it, or pick another with --port (0 picks a free one)`,
    );
    process.exit(1);
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const log = jarvis.runtime.logger;
  log.info({ url: server.url, config: file ?? 'defaults', home: config.home, seconds }, 'jarvis dev ready');
  console.error(
    `\n  Jarvis is running (${seconds}s) with ${file ? `config ${file}` : 'embedded defaults'}; data in ${config.home}\n` +
      (config.router.console.enabled ? `  Console    ${server.url}/\n` : '') +
      `  GraphiQL   ${server.url}/graphql  (subscriptions: ${server.url.replace(/^http/, 'ws')}/graphql)\n` +
      `  MLflow     MLFLOW_TRACKING_URI=${server.url}\n` +
      `  Health     ${server.url}/ready\n` +
      `  Metrics    ${server.url}/metrics\n\n  Ctrl-C stops it.\n`,
  );
  onShutdown(
    async () => {
      await server.close();
      await jarvis.stop();
    },
    (m) => console.error(m),
  );
}
