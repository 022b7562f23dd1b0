import { ConfigError, type JarvisConfig, loadConfig } from '@jarvis/config';

/** Loads jarvis.yaml (or defaults); a bad file ends the process with every problem listed. */
export function startupConfig(file: string | undefined, overrides: { port?: string; host?: string } = {}) {
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig(file ? { file } : {});
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      console.error(
        '\nFix the file (every key is described in docs/operations.md, "Configuration"), then start again.',
      );
      process.exit(2);
    }
    throw error;
  }
  const config: JarvisConfig = {
    ...loaded.config,
    server: {
      ...loaded.config.server,
      ...(overrides.port !== undefined ? { port: parsePort(overrides.port) } : {}),
      ...(overrides.host !== undefined ? { host: overrides.host } : {}),
    },
  };
  return { config, file: loaded.file };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a number from 0 to 65535, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return port;
}
