import { JarvisError } from '@jarvis/errors';

/**
 * A store only the native backend has (logged models, datasets, traces): with an existing
 * MLflow server as the backend, the caller is told to send those to that server, since MLflow
 * has no projects to keep them apart.
 */
export function nativeOnly<T>(store: T | undefined, what: string): T {
  if (!store)
    throw new JarvisError(
      'BAD_USER_INPUT',
      `${what} are kept by the native experiments store; with services.experiment.type mlflow, send them to that MLflow server directly`,
    );
  return store;
}
