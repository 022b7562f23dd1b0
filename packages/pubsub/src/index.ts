export { createPubSub } from './createPubSub.ts';
export { memoryPubSub } from './memoryPubSub.ts';
export type { PubSub } from './pubSub.ts';
export { type RedisPubSubOptions, redisPubSub } from './redisPubSub.ts';
