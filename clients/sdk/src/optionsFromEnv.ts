import type { JarvisClientOptions } from './jarvisClient.ts';

/**
 * Where a component finds Jarvis: `JARVIS_URL` (default `http://127.0.0.1:4000`, where
 * `jarvis dev` listens) and `JARVIS_API_KEY`.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): JarvisClientOptions {
  return {
    url: env.JARVIS_URL || 'http://127.0.0.1:4000',
    ...(env.JARVIS_API_KEY ? { apiKey: env.JARVIS_API_KEY } : {}),
  };
}
