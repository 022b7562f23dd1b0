import DataLoader from 'dataloader';

type Loader = DataLoader<string, unknown>;

/** One loader per request (the context object) and kind of entity; gone with the request. */
const loaders = new WeakMap<object, Map<string, Loader>>();

// For measuring what batching saves (bench/entityBatching.ts): one key per batch.
const MAX_BATCH = process.env.JARVIS_ENTITY_BATCHING === 'off' ? 1 : 1_000;

/**
 * Loads the entity `key` of `kind`, batched per request: every load of that kind in one tick of
 * one request becomes a single `loadMany` call, so an `_entities` of 500 references is one query,
 * not 500. `loadMany` returns what it found by key; a key it lacks resolves to undefined.
 */
export function batchedLoad<T>(
  context: object,
  kind: string,
  loadMany: (keys: readonly string[]) => Promise<Map<string, T>>,
  key: string,
): Promise<T | undefined> {
  let byKind = loaders.get(context);
  if (!byKind) {
    byKind = new Map();
    loaders.set(context, byKind);
  }
  let loader = byKind.get(kind);
  if (!loader) {
    loader = new DataLoader<string, unknown>(
      async (keys) => {
        const found = await loadMany(keys);
        return keys.map((k) => found.get(k));
      },
      { maxBatchSize: MAX_BATCH },
    );
    byKind.set(kind, loader);
  }
  return loader.load(key) as Promise<T | undefined>;
}
