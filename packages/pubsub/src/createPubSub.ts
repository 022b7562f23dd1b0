import { memoryPubSub } from './memoryPubSub.ts';
import type { PubSub } from './pubSub.ts';
import { redisPubSub } from './redisPubSub.ts';

export function createPubSub(
  config: { type: 'memory' | 'redis'; url?: string | undefined },
  onError?: (error: Error) => void,
): PubSub {
  if (config.type === 'redis') return redisPubSub({ url: config.url!, ...(onError ? { onError } : {}) });
  return memoryPubSub();
}
