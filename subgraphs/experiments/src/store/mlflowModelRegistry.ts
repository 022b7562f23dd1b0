import { conflict, notFound } from '@jarvis/errors';
import { parseFilter } from '../search/parseSearch.ts';
import { isMissing, type MlflowCall, mlflowRestClient, PROJECT_TAG } from './mlflowRestClient.ts';
import type { IdempotencyLog } from './mlflowTrackingStore.ts';
import type {
  ModelRegistry,
  ModelVersionRecord,
  ModelVersionStatus,
  Page,
  RegisteredModelRecord,
} from './modelRegistry.ts';
import { checkMaxResults } from './pageToken.ts';
import {
  checkAlias,
  checkModelName,
  checkTags,
  checkVersion,
  MODEL_ATTRIBUTES,
  VERSION_ATTRIBUTES,
} from './registryChecks.ts';

/** A version made from a storage artifact remembers it in this tag (MLflow has no such field). */
const ARTIFACT_TAG = 'jarvis.artifact_id';

type Tag = { key: string; value: string };
interface MlflowVersion {
  name: string;
  version: string;
  creation_timestamp?: string | number;
  last_updated_timestamp?: string | number;
  description?: string;
  source?: string;
  run_id?: string;
  model_id?: string;
  status?: string;
  tags?: Tag[];
  aliases?: string[];
}
interface MlflowModel {
  name: string;
  creation_timestamp?: string | number;
  last_updated_timestamp?: string | number;
  description?: string;
  latest_versions?: MlflowVersion[];
  tags?: Tag[];
  aliases?: { alias: string; version: string }[];
}

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * The registry of an existing MLflow server (services.experiment.type: mlflow), so a team's
 * registered models stay where its tools already look. Jarvis's project is a model tag;
 * idempotency keys are kept in Jarvis's database, as for tracking.
 */
export function mlflowModelRegistry(trackingUri: string, idempotency: IdempotencyLog): ModelRegistry {
  const call: MlflowCall = mlflowRestClient(trackingUri);

  const toModel = (m: MlflowModel): RegisteredModelRecord => {
    const versions = (m.latest_versions ?? []).map((v) => Number(v.version));
    return {
      name: m.name,
      description: m.description ?? '',
      creationTime: Number(m.creation_timestamp ?? 0),
      lastUpdatedTime: Number(m.last_updated_timestamp ?? 0),
      tags: Object.fromEntries(
        (m.tags ?? []).filter((t) => t.key !== PROJECT_TAG).map((t) => [t.key, t.value]),
      ),
      aliases: Object.fromEntries((m.aliases ?? []).map((a) => [a.alias, Number(a.version)])),
      latestVersion: versions.length ? Math.max(...versions) : null,
    };
  };

  const toVersion = (v: MlflowVersion): ModelVersionRecord => {
    const tags = Object.fromEntries((v.tags ?? []).map((t) => [t.key, t.value]));
    const artifactId = tags[ARTIFACT_TAG] ?? null;
    delete tags[ARTIFACT_TAG];
    return {
      name: v.name,
      version: Number(v.version),
      description: v.description ?? '',
      source: v.source ?? '',
      runId: v.run_id || null,
      artifactId,
      modelId: v.model_id || null,
      status: (v.status ?? 'READY') as ModelVersionStatus,
      creationTime: Number(v.creation_timestamp ?? 0),
      lastUpdatedTime: Number(v.last_updated_timestamp ?? 0),
      tags,
      aliases: [...(v.aliases ?? [])].sort(),
    };
  };

  /** The model, if it exists and belongs to the project. */
  async function model(projectId: string, name: string): Promise<MlflowModel | undefined> {
    try {
      const { registered_model } = await call<{ registered_model: MlflowModel }>(
        'GET',
        'registered-models/get',
        {
          name,
        },
      );
      return registered_model.tags?.some((t) => t.key === PROJECT_TAG && t.value === projectId)
        ? registered_model
        : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async function requireModel(projectId: string, name: string) {
    const found = await model(projectId, name);
    if (!found)
      throw notFound(`no registered model ${JSON.stringify(name)} in this project`, { argument: 'name' });
    return found;
  }

  async function version(projectId: string, name: string, number: number) {
    if (!(await model(projectId, name))) return undefined;
    try {
      const { model_version } = await call<{ model_version: MlflowVersion }>('GET', 'model-versions/get', {
        name,
        version: String(number),
      });
      return model_version;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async function requireVersion(projectId: string, name: string, number: number) {
    checkVersion(number);
    const found = await version(projectId, name, number);
    if (!found)
      throw notFound(`registered model ${JSON.stringify(name)} has no version ${number}`, {
        argument: 'version',
      });
    return found;
  }

  /**
   * Pages through an MLflow search from the token, keeping what `keep` accepts: MLflow cannot
   * count, so the total is counted by reading the rest of the result (registries are small).
   */
  async function searchAll<T>(
    fetchPage: (token: string | undefined) => Promise<{ items: T[]; next?: string }>,
    keep: (item: T) => Promise<boolean>,
    maxResults: number,
    pageToken: string | undefined,
  ): Promise<Page<T> & { kept: T[] }> {
    const offset = pageToken ? Number(Buffer.from(pageToken, 'base64url').toString()) : 0;
    const kept: T[] = [];
    let token: string | undefined;
    do {
      const page = await fetchPage(token);
      for (const item of page.items) if (await keep(item)) kept.push(item);
      token = page.next;
    } while (token);
    const items = kept.slice(offset, offset + maxResults);
    const next =
      offset + maxResults < kept.length
        ? Buffer.from(String(offset + maxResults)).toString('base64url')
        : undefined;
    return { items, nextPageToken: next, totalCount: kept.length, kept };
  }

  return {
    async createRegisteredModel(projectId, { name, description = '', tags = {} }) {
      checkModelName(name);
      checkTags(tags);
      const { registered_model } = await call<{ registered_model: MlflowModel }>(
        'POST',
        'registered-models/create',
        {
          name,
          description,
          tags: [
            ...Object.entries(tags).map(([key, value]) => ({ key, value })),
            { key: PROJECT_TAG, value: projectId },
          ],
        },
      );
      return toModel(registered_model);
    },

    async getRegisteredModel(projectId, name) {
      const found = await model(projectId, name);
      return found ? toModel(found) : undefined;
    },

    async renameRegisteredModel(projectId, name, newName) {
      checkModelName(newName);
      await requireModel(projectId, name);
      if (newName !== name) await call('POST', 'registered-models/rename', { name, new_name: newName });
      return toModel(await requireModel(projectId, newName));
    },

    async updateRegisteredModel(projectId, name, description) {
      await requireModel(projectId, name);
      await call('PATCH', 'registered-models/update', { name, description });
      return toModel(await requireModel(projectId, name));
    },

    async deleteRegisteredModel(projectId, name) {
      await requireModel(projectId, name);
      await call('DELETE', 'registered-models/delete', { name });
    },

    async searchRegisteredModels(projectId, search) {
      parseFilter(search.filter, MODEL_ATTRIBUTES); // errors with their position, as native
      const limit = checkMaxResults(search.maxResults);
      const scope = `tags.\`${PROJECT_TAG}\` = ${quote(projectId)}`;
      const filter = search.filter?.trim() ? `${search.filter} and ${scope}` : scope;
      const { items, nextPageToken, totalCount } = await searchAll(
        async (token) => {
          const page = await call<{ registered_models?: MlflowModel[]; next_page_token?: string }>(
            'GET',
            'registered-models/search',
            {
              filter,
              max_results: 1000,
              order_by: search.orderBy?.length ? search.orderBy : ['name ASC'],
              page_token: token,
            },
          );
          return {
            items: page.registered_models ?? [],
            ...(page.next_page_token ? { next: page.next_page_token } : {}),
          };
        },
        async () => true,
        limit,
        search.pageToken,
      );
      return { items: items.map(toModel), nextPageToken, totalCount };
    },

    async setRegisteredModelTag(projectId, name, key, value) {
      checkTags({ [key]: value });
      await requireModel(projectId, name);
      await call('POST', 'registered-models/set-tag', { name, key, value });
    },

    async deleteRegisteredModelTag(projectId, name, key) {
      await requireModel(projectId, name);
      await call('DELETE', 'registered-models/delete-tag', { name, key });
    },

    async createModelVersion(projectId, input) {
      const { name, source, runId, artifactId, modelId, description = '', tags = {}, idempotencyKey } = input;
      checkTags(tags);
      await requireModel(projectId, name);
      const request = JSON.stringify({ name, source, runId: runId ?? null, artifactId: artifactId ?? null });
      if (idempotencyKey) {
        const seen = await idempotency.seen(projectId, idempotencyKey);
        if (seen) {
          // The same log holds the keys of logging calls (a run id): those are another use.
          const before = (seen.startsWith('{') ? JSON.parse(seen) : {}) as {
            request?: string;
            version?: number;
          };
          if (before.request !== request || before.version === undefined)
            throw conflict(
              `idempotencyKey ${JSON.stringify(idempotencyKey)} created another model version; use a new key`,
            );
          return toVersion(await requireVersion(projectId, name, before.version));
        }
      }
      const { model_version } = await call<{ model_version: MlflowVersion }>(
        'POST',
        'model-versions/create',
        {
          name,
          source,
          ...(runId ? { run_id: runId } : {}),
          ...(modelId ? { model_id: modelId } : {}),
          description,
          tags: [
            ...Object.entries(tags).map(([key, value]) => ({ key, value })),
            ...(artifactId ? [{ key: ARTIFACT_TAG, value: artifactId }] : []),
          ],
        },
      );
      if (idempotencyKey)
        await idempotency.record(
          projectId,
          idempotencyKey,
          JSON.stringify({ request, version: Number(model_version.version) }),
        );
      return toVersion(model_version);
    },

    async getModelVersion(projectId, name, number) {
      if (!Number.isSafeInteger(number) || number < 1) return undefined;
      const found = await version(projectId, name, number);
      return found ? toVersion(found) : undefined;
    },

    async updateModelVersion(projectId, name, number, description) {
      await requireVersion(projectId, name, number);
      const { model_version } = await call<{ model_version: MlflowVersion }>(
        'PATCH',
        'model-versions/update',
        {
          name,
          version: String(number),
          description,
        },
      );
      return toVersion(model_version);
    },

    async deleteModelVersion(projectId, name, number) {
      const found = await requireVersion(projectId, name, number);
      // Aliases go with the version, as on the native registry.
      for (const alias of found.aliases ?? [])
        await call('DELETE', 'registered-models/alias', { name, alias });
      await call('DELETE', 'model-versions/delete', { name, version: String(number) });
    },

    async searchModelVersions(projectId, search) {
      parseFilter(search.filter, VERSION_ATTRIBUTES);
      const limit = checkMaxResults(search.maxResults);
      // Versions carry no project: keep those whose model is in the caller's project.
      const projects = new Map<string, Promise<boolean>>();
      const inProject = (v: MlflowVersion) => {
        if (!projects.has(v.name)) projects.set(v.name, model(projectId, v.name).then(Boolean));
        return projects.get(v.name)!;
      };
      const { items, nextPageToken, totalCount } = await searchAll(
        async (token) => {
          const page = await call<{ model_versions?: MlflowVersion[]; next_page_token?: string }>(
            'GET',
            'model-versions/search',
            {
              ...(search.filter?.trim() ? { filter: search.filter } : {}),
              max_results: 1000,
              order_by: search.orderBy?.length ? search.orderBy : ['name ASC', 'version_number DESC'],
              page_token: token,
            },
          );
          return {
            items: page.model_versions ?? [],
            ...(page.next_page_token ? { next: page.next_page_token } : {}),
          };
        },
        inProject,
        limit,
        search.pageToken,
      );
      return { items: items.map(toVersion), nextPageToken, totalCount };
    },

    async setModelVersionTag(projectId, name, number, key, value) {
      checkTags({ [key]: value });
      await requireVersion(projectId, name, number);
      await call('POST', 'model-versions/set-tag', { name, version: String(number), key, value });
    },

    async deleteModelVersionTag(projectId, name, number, key) {
      await requireVersion(projectId, name, number);
      await call('DELETE', 'model-versions/delete-tag', { name, version: String(number), key });
    },

    async setAlias(projectId, name, alias, number) {
      checkAlias(alias);
      await requireVersion(projectId, name, number);
      await call('POST', 'registered-models/alias', { name, alias, version: String(number) });
    },

    async deleteAlias(projectId, name, alias) {
      const found = await requireModel(projectId, name);
      if (!(found.aliases ?? []).some((a) => a.alias === alias))
        throw notFound(`registered model ${JSON.stringify(name)} has no alias ${JSON.stringify(alias)}`, {
          argument: 'alias',
        });
      await call('DELETE', 'registered-models/alias', { name, alias });
    },

    async versionByAlias(projectId, name, alias) {
      // MLflow answers a missing alias with INVALID_PARAMETER_VALUE; the model's aliases say it first.
      const found = await model(projectId, name);
      if (!found?.aliases?.some((a) => a.alias === alias)) return undefined;
      try {
        const { model_version } = await call<{ model_version: MlflowVersion }>(
          'GET',
          'registered-models/alias',
          {
            name,
            alias,
          },
        );
        return toVersion(model_version);
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
  };
}
