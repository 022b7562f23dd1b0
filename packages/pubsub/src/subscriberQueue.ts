/**
 * An async iterator fed by push(). Holds at most `limit` undelivered events: a subscriber
 * that stops reading loses the oldest ones rather than growing memory without bound.
 */
export function subscriberQueue<T>(onClose: () => void, signal?: AbortSignal, limit = 10_000) {
  const buffer: T[] = [];
  const waiting: ((result: IteratorResult<T>) => void)[] = [];
  let closed = false;

  const close = () => {
    if (closed) return;
    closed = true;
    signal?.removeEventListener('abort', close);
    onClose();
    for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
  };
  signal?.addEventListener('abort', close, { once: true });
  if (signal?.aborted) close();

  const iterator: AsyncIterableIterator<T> = {
    next() {
      const value = buffer.shift();
      if (value !== undefined) return Promise.resolve({ value, done: false });
      if (closed) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => waiting.push(resolve));
    },
    return() {
      close();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };

  return {
    iterator,
    push(value: T) {
      if (closed) return;
      const resolve = waiting.shift();
      if (resolve) resolve({ value, done: false });
      else {
        buffer.push(value);
        if (buffer.length > limit) buffer.shift();
      }
    },
    close,
  };
}
