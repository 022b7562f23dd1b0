/** The logged model a source names, as MLflow 3 writes it: `models:/m-<32 hex>`. */
export const modelIdOfSource = (source: string) => /^models:\/(m-[0-9a-f]{32})\/?$/.exec(source)?.[1];

/** The logged model a registry version was made from: kept with it, or named by its source. */
export const modelIdOfVersion = (version: { modelId: string | null; source: string }) =>
  version.modelId ?? modelIdOfSource(version.source);
