import { randomUUID } from 'node:crypto';
import type { Logger } from '@jarvis/context';
import type { PubSub } from '@jarvis/pubsub';
import { MODEL_REGISTRY_EVENT_TOPIC, type ModelRegistryEvent } from '@jarvis/subgraph';
import type { ModelVersionRecord, RegisteredModelRecord } from './records.ts';

/** MLflow's mark of a prompt: a registered model with this tag; its events are prompt_* ones. */
const IS_PROMPT = 'mlflow.prompt.is_prompt';
const PROMPT_TEXT = 'mlflow.prompt.text';

const isPrompt = (model: Pick<RegisteredModelRecord, 'tags'> | undefined) =>
  model?.tags[IS_PROMPT] === 'true';

/**
 * The registry changes MLflow's webhooks announce, in MLflow's words and payloads, published for
 * the notifications subgraph to deliver. A pubsub hiccup never fails the change that happened.
 */
export class RegistryEvents {
  private readonly pubsub: PubSub;
  private readonly logger: Logger;

  constructor(pubsub: PubSub, logger: Logger) {
    this.pubsub = pubsub;
    this.logger = logger;
  }

  private async publish(
    projectId: string,
    entity: string,
    action: string,
    data: Record<string, unknown>,
    id?: string,
  ) {
    const event: ModelRegistryEvent = {
      id: id ?? randomUUID(),
      projectId,
      entity,
      action,
      data,
      at: new Date().toISOString(),
    };
    await this.pubsub.publish(MODEL_REGISTRY_EVENT_TOPIC, event).catch((error: unknown) => {
      this.logger.warn({ err: error, entity, action }, 'could not announce a registry change');
    });
  }

  modelCreated(projectId: string, model: RegisteredModelRecord) {
    return this.publish(
      projectId,
      isPrompt(model) ? 'prompt' : 'registered_model',
      'created',
      { name: model.name, tags: model.tags, description: model.description || null },
      `registered_model:${model.name}:${model.creationTime}`,
    );
  }

  versionCreated(projectId: string, model: RegisteredModelRecord | undefined, version: ModelVersionRecord) {
    const common = { name: version.name, version: String(version.version) };
    const data = isPrompt(model)
      ? {
          ...common,
          template: version.tags[PROMPT_TEXT] ?? '',
          tags: version.tags,
          description: version.description || null,
        }
      : {
          ...common,
          source: version.source,
          run_id: version.runId,
          tags: version.tags,
          description: version.description || null,
        };
    return this.publish(
      projectId,
      isPrompt(model) ? 'prompt_version' : 'model_version',
      'created',
      data,
      `model_version:${version.name}:${version.version}:${version.creationTime}`,
    );
  }

  versionTag(
    projectId: string,
    model: RegisteredModelRecord | undefined,
    name: string,
    version: number,
    key: string,
    value: string | null,
  ) {
    return this.publish(
      projectId,
      isPrompt(model) ? 'prompt_version_tag' : 'model_version_tag',
      value === null ? 'deleted' : 'set',
      { name, version: String(version), key, ...(value === null ? {} : { value }) },
    );
  }

  /** Only a prompt's own tags are announced; a registered model's are not among MLflow's events. */
  async modelTag(
    projectId: string,
    model: RegisteredModelRecord | undefined,
    key: string,
    value: string | null,
  ) {
    if (!model || !isPrompt(model)) return;
    await this.publish(projectId, 'prompt_tag', value === null ? 'deleted' : 'set', {
      name: model.name,
      key,
      ...(value === null ? {} : { value }),
    });
  }

  alias(
    projectId: string,
    model: RegisteredModelRecord | undefined,
    name: string,
    alias: string,
    version: number | null,
  ) {
    return this.publish(
      projectId,
      isPrompt(model) ? 'prompt_alias' : 'model_version_alias',
      version === null ? 'deleted' : 'created',
      { name, alias, ...(version === null ? {} : { version: String(version) }) },
    );
  }
}
