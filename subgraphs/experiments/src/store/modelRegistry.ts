/**
 * The model registry in MLflow's terms: registered models with numbered versions, each made
 * from a run's artifacts (`source`) or a storage artifact, with aliases (MLflow deprecated
 * stages for them) and tags. Version numbers are never reused, even after a delete.
 */
export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export interface RegisteredModelRecord {
  name: string;
  description: string;
  creationTime: number;
  lastUpdatedTime: number;
  tags: Record<string, string>;
  /** alias → version */
  aliases: Record<string, number>;
  /** The highest live version number, if any. */
  latestVersion: number | null;
}

export interface ModelVersionRecord {
  name: string;
  version: number;
  description: string;
  /** Where the model's files are: `mlflow-artifacts:/…` for MLflow-logged models, `jarvis://artifacts/<id>` otherwise. */
  source: string;
  runId: string | null;
  /** The storage artifact it was made from, when made from one. */
  artifactId: string | null;
  /** The MLflow logged model it was registered from (`m-…`), when from one. */
  modelId: string | null;
  status: ModelVersionStatus;
  creationTime: number;
  lastUpdatedTime: number;
  tags: Record<string, string>;
  aliases: string[];
}

export interface ModelSearch {
  /** `name LIKE 'resnet%' and tags.team = 'vision'` (MLflow's registered-model filter). */
  filter?: string;
  /** MLflow's `order_by`: `name ASC`, `last_updated_timestamp DESC`; by name when not given. */
  orderBy?: string[];
  maxResults: number;
  pageToken?: string;
}

export interface VersionSearch {
  /** `name = 'classifier' and run_id = '…'`, also `source`, `version_number` and `tags.<key>`. */
  filter?: string;
  /** `version_number ASC`, `creation_timestamp DESC`; by name, newest version first, when not given. */
  orderBy?: string[];
  maxResults: number;
  pageToken?: string;
}

export interface Page<T> {
  items: T[];
  nextPageToken: string | undefined;
  totalCount: number;
}

export interface ModelRegistry {
  createRegisteredModel(
    projectId: string,
    model: { name: string; description?: string; tags?: Record<string, string> },
  ): Promise<RegisteredModelRecord>;
  getRegisteredModel(projectId: string, name: string): Promise<RegisteredModelRecord | undefined>;
  /** Versions and aliases follow the new name. */
  renameRegisteredModel(projectId: string, name: string, newName: string): Promise<RegisteredModelRecord>;
  updateRegisteredModel(projectId: string, name: string, description: string): Promise<RegisteredModelRecord>;
  /** Deletes the model, its versions, tags and aliases. */
  deleteRegisteredModel(projectId: string, name: string): Promise<void>;
  searchRegisteredModels(projectId: string, search: ModelSearch): Promise<Page<RegisteredModelRecord>>;
  setRegisteredModelTag(projectId: string, name: string, key: string, value: string): Promise<void>;
  deleteRegisteredModelTag(projectId: string, name: string, key: string): Promise<void>;

  /**
   * The next version of a registered model. An idempotency key already used returns the
   * version it created (a CONFLICT when the request differs).
   */
  createModelVersion(
    projectId: string,
    version: {
      name: string;
      source: string;
      runId?: string;
      artifactId?: string;
      modelId?: string;
      description?: string;
      tags?: Record<string, string>;
      idempotencyKey?: string;
    },
  ): Promise<ModelVersionRecord>;
  getModelVersion(projectId: string, name: string, version: number): Promise<ModelVersionRecord | undefined>;
  updateModelVersion(
    projectId: string,
    name: string,
    version: number,
    description: string,
  ): Promise<ModelVersionRecord>;
  /** Its aliases go with it; its number is not given out again. */
  deleteModelVersion(projectId: string, name: string, version: number): Promise<void>;
  searchModelVersions(projectId: string, search: VersionSearch): Promise<Page<ModelVersionRecord>>;
  setModelVersionTag(
    projectId: string,
    name: string,
    version: number,
    key: string,
    value: string,
  ): Promise<void>;
  deleteModelVersionTag(projectId: string, name: string, version: number, key: string): Promise<void>;

  /** Points an alias at a version, moving it if it pointed elsewhere. */
  setAlias(projectId: string, name: string, alias: string, version: number): Promise<void>;
  deleteAlias(projectId: string, name: string, alias: string): Promise<void>;
  versionByAlias(projectId: string, name: string, alias: string): Promise<ModelVersionRecord | undefined>;
}
