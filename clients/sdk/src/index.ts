export * from './generated/graphql.ts';
export {
  createJarvisClient,
  type JarvisClient,
  type JarvisClientOptions,
  JarvisRequestError,
} from './jarvisClient.ts';
