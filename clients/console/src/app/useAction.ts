import { useCallback, useState } from 'preact/hooks';
import type { ApiError } from './api.ts';

/**
 * What a button starts (a mutation): its failure is kept for the view to show until the next
 * action succeeds, and `then` gets the result (reload the view, follow a new run).
 */
export function useAction(): {
  failure: ApiError | undefined;
  act<T>(action: Promise<T>, then: (result: T) => void): Promise<void>;
} {
  const [failure, setFailure] = useState<ApiError | undefined>();
  const act = useCallback(
    <T>(action: Promise<T>, then: (result: T) => void) =>
      action.then(
        (result) => {
          setFailure(undefined);
          then(result);
        },
        (error: ApiError) => setFailure(error),
      ),
    [],
  );
  return { failure, act };
}
