import { badUserInput } from '@jarvis/errors';

/**
 * Files logged through MLflow's artifact proxy are storage artifacts named by their path under
 * the artifact root, e.g. `3/<run id>/artifacts/model/MLmodel`: the same string in
 * `mlflow-artifacts:/3/<run id>/artifacts/model/MLmodel`, in listings and in Jarvis's names.
 */
const RUN_PATH = /^\d+\/([0-9a-f]{32})\/artifacts(?:\/|$)/;

/** The run a path belongs to, for paths under a run's artifact directory. */
export function runIdOfPath(path: string): string | undefined {
  return RUN_PATH.exec(path)?.[1];
}

/** A client's relative path, without leading or trailing slashes; `..` is refused. */
export function cleanPath(raw: string): string {
  const path = raw.replace(/^\/+|\/+$/g, '');
  if (path.split('/').some((segment) => segment === '..' || segment === '.'))
    throw badUserInput(`artifact path ${JSON.stringify(raw)} climbs out of the artifact root`, {
      argument: 'path',
    });
  return path;
}

/** The path inside the artifact root that an `mlflow-artifacts:` URI names (with or without a host). */
export function pathOfSource(source: string): string | undefined {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/.exec(source);
  return match ? cleanPath(match[1]!) : undefined;
}

/** A model version's source that names one storage artifact directly. */
export function artifactIdOfSource(source: string): string | undefined {
  return /^jarvis:\/\/artifacts\/([0-9a-f-]{36})$/.exec(source)?.[1];
}
