import { backendUnavailable, badUserInput, conflict, JarvisError, notFound } from '@jarvis/errors';

/** The project a thing belongs to: MLflow has no projects, so Jarvis tags experiments and models. */
export const PROJECT_TAG = 'jarvis.project';

/** MLflow said the thing does not exist (callers turn that into `undefined`). */
export const isMissing = (error: unknown) => error instanceof JarvisError && error.code === 'NOT_FOUND';

interface MlflowError {
  error_code?: string;
  message?: string;
}

function closedBeforeResponse(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code === 'UND_ERR_SOCKET' || /other side closed/i.test(cause?.message ?? '');
}

function mapError(status: number, body: MlflowError, path: string): JarvisError {
  const message = `MLflow: ${body.message ?? `HTTP ${status} on ${path}`}`;
  switch (body.error_code) {
    case 'RESOURCE_DOES_NOT_EXIST':
      return notFound(message);
    case 'RESOURCE_ALREADY_EXISTS':
      return conflict(message, { reason: 'ALREADY_EXISTS' });
    case 'INVALID_PARAMETER_VALUE':
    case 'BAD_REQUEST':
      return badUserInput(message);
    case 'INVALID_STATE':
      return conflict(message);
    default:
      return backendUnavailable('MLflow', message);
  }
}

export type MlflowCall = <T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  payload?: Record<string, unknown>,
) => Promise<T>;

/**
 * Calls an MLflow server's REST API 2.0 as its own client does: GET parameters in the query
 * string (lists repeated), JSON bodies otherwise; MLflow's error codes become Jarvis's.
 */
export function mlflowRestClient(trackingUri: string): MlflowCall {
  const base = `${trackingUri.replace(/\/$/, '')}/api/2.0/mlflow`;
  return async <T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    payload: Record<string, unknown> = {},
  ): Promise<T> => {
    const url = new URL(`${base}/${path}`);
    if (method === 'GET') {
      for (const [k, v] of Object.entries(payload)) {
        for (const item of Array.isArray(v) ? v : [v])
          if (item !== undefined) url.searchParams.append(k, String(item));
      }
    }
    const send = () =>
      fetch(url, {
        method,
        ...(method !== 'GET'
          ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }
          : {}),
        signal: AbortSignal.timeout(30_000),
      });
    let response: Response;
    try {
      response = await send().catch((error: unknown) => {
        // A pooled keep-alive connection the server closed while idle fails before any
        // response: that request never arrived, so it is sent once more on a new connection.
        if (closedBeforeResponse(error)) return send();
        throw error;
      });
    } catch (error) {
      throw backendUnavailable('MLflow', error);
    }
    const text = await response.text();
    const body = text ? (JSON.parse(text) as T & MlflowError) : ({} as T & MlflowError);
    if (!response.ok) throw mapError(response.status, body, path);
    return body;
  };
}
