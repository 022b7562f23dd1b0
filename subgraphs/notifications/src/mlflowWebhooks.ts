import { randomUUID } from 'node:crypto';
import type { Principal } from '@jarvis/context';
import { badUserInput, notFound } from '@jarvis/errors';
import type { MlflowParams, ModelRegistryEvent } from '@jarvis/subgraph';
import { type MlflowEnvelope, postMlflowWebhook } from './channels/mlflowWebhookSender.ts';
import type { ChannelRecord } from './records.ts';
import type { NotificationStore } from './store/notificationStore.ts';

/** MLflow's events, entity → the actions it has (`VALID_ENTITY_ACTIONS`). */
const ACTIONS: Record<string, string[]> = {
  registered_model: ['created'],
  model_version: ['created'],
  model_version_tag: ['set', 'deleted'],
  model_version_alias: ['created', 'deleted'],
  prompt: ['created'],
  prompt_version: ['created'],
  prompt_tag: ['set', 'deleted'],
  prompt_version_tag: ['set', 'deleted'],
  prompt_alias: ['created', 'deleted'],
  budget_policy: ['exceeded'],
};
const ALL_ACTIONS = ['created', 'updated', 'deleted', 'set', 'exceeded'];
const NAME = /^(?=.{1,63}$)[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What `test` sends when the event has no payload of its own to show: MLflow's examples. */
const EXAMPLES: Record<string, Record<string, unknown>> = {
  'registered_model.created': {
    name: 'example_model',
    tags: { example_key: 'example_value' },
    description: 'An example registered model',
  },
  'model_version.created': {
    name: 'example_model',
    version: '1',
    source: 'models:/123',
    run_id: 'abcd1234abcd5678',
    tags: { example_key: 'example_value' },
    description: 'An example model version',
  },
  'model_version_tag.set': {
    name: 'example_model',
    version: '1',
    key: 'example_key',
    value: 'example_value',
  },
  'model_version_tag.deleted': { name: 'example_model', version: '1', key: 'example_key' },
  'model_version_alias.created': { name: 'example_model', alias: 'example_alias', version: '1' },
  'model_version_alias.deleted': { name: 'example_model', alias: 'example_alias' },
  'prompt.created': {
    name: 'example_prompt',
    tags: { example_key: 'example_value' },
    description: 'An example prompt',
  },
  'prompt_version.created': {
    name: 'example_prompt',
    version: '1',
    template: 'Hello {{name}}!',
    tags: { example_key: 'example_value' },
    description: 'An example prompt version',
  },
  'prompt_tag.set': { name: 'example_prompt', key: 'example_key', value: 'example_value' },
  'prompt_tag.deleted': { name: 'example_prompt', key: 'example_key' },
  'prompt_version_tag.set': {
    name: 'example_prompt',
    version: '1',
    key: 'example_key',
    value: 'example_value',
  },
  'prompt_version_tag.deleted': { name: 'example_prompt', version: '1', key: 'example_key' },
  'prompt_alias.created': { name: 'example_prompt', alias: 'example_alias', version: '1' },
  'prompt_alias.deleted': { name: 'example_prompt', alias: 'example_alias' },
  'budget_policy.exceeded': {
    budget_policy_id: 'bp-abc123',
    budget_unit: 'USD',
    budget_amount: 100.0,
    current_spend: 105.5,
    duration_unit: 'MONTHS',
    duration_value: 1,
    target_scope: 'GLOBAL',
    workspace: 'default',
    target_value: null,
    window_start: 1735689600000,
  },
};

/** `{entity: "MODEL_VERSION", action: "CREATED"}` as MLflow's JSON has it ↔ `model_version.created`. */
function eventOf(value: unknown): string {
  const { entity, action } = (value ?? {}) as { entity?: unknown; action?: unknown };
  const e = typeof entity === 'string' ? entity.toLowerCase() : '';
  const a = typeof action === 'string' ? action.toLowerCase() : '';
  if (!(e in ACTIONS) || !ALL_ACTIONS.includes(a))
    throw badUserInput(
      `Invalid webhook event ${JSON.stringify(value)}: entity is one of ${Object.keys(ACTIONS)
        .map((k) => k.toUpperCase())
        .join(', ')} and action one of ${ALL_ACTIONS.map((k) => k.toUpperCase()).join(', ')}`,
    );
  if (!ACTIONS[e]!.includes(a))
    throw badUserInput(
      `Invalid action '${a}' for entity '${e}'. Valid actions are: [${ACTIONS[e]!.map((x) => `'${x}'`).join(', ')}]`,
    );
  return `${e}.${a}`;
}

const eventJson = (event: string) => {
  const [entity, action] = event.split('.') as [string, string];
  return { entity: entity.toUpperCase(), action: action.toUpperCase() };
};

/** A webhook as MLflow's JSON shows it (never its secret). */
export function webhookJson(channel: ChannelRecord) {
  return {
    webhook_id: channel.id,
    name: channel.name,
    url: channel.url,
    events: channel.events.map(eventJson),
    ...(channel.description ? { description: channel.description } : {}),
    status: channel.status,
    creation_timestamp: channel.createdAt.getTime(),
    last_updated_timestamp: channel.updatedAt.getTime(),
  };
}

function checkName(name: string) {
  if (!NAME.test(name))
    throw badUserInput(
      `Webhook name '${name}' is invalid. It must start and end with a letter or digit, be less than 63 characters long, and contain only letters, digits, dots (.), underscores (_), and hyphens (-).`,
    );
  return name;
}

function checkUrl(raw: string) {
  if (!raw.trim()) throw badUserInput(`Webhook URL cannot be empty or just whitespace: '${raw}'`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badUserInput(`Invalid webhook URL '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw badUserInput(
      `Invalid webhook URL scheme: '${url.protocol.replace(':', '')}'. Allowed schemes are: http, https.`,
    );
  return raw;
}

function checkStatus(status: string) {
  if (status !== 'ACTIVE' && status !== 'DISABLED')
    throw badUserInput(`Invalid webhook status '${status}': ACTIVE or DISABLED`);
  return status;
}

/**
 * MLflow's webhooks (`MlflowClient.create_webhook` and the `/api/2.0/mlflow/webhooks` routes) as
 * notification channels of kind MLFLOW_WEBHOOK: per project, delivered through the outbox with
 * its retries and delivery log, in MLflow's own envelope and headers.
 */
export class MlflowWebhooks {
  private readonly store: NotificationStore;
  private readonly timeoutMs: number;

  constructor(store: NotificationStore, timeoutMs: number) {
    this.store = store;
    this.timeoutMs = timeoutMs;
  }

  private events(p: MlflowParams, required: boolean): string[] | undefined {
    if (!p.has('events')) {
      if (required) throw badUserInput("Missing value for required parameter 'events'.");
      return undefined;
    }
    const raw = p.toJSON().events;
    if (!Array.isArray(raw)) throw badUserInput("Invalid value for parameter 'events': expected a list.");
    if (!raw.length && required)
      throw badUserInput('Webhook events must be a non-empty list of WebhookEvent objects: [].');
    return raw.length ? [...new Set(raw.map(eventOf))] : undefined;
  }

  async create(principal: Principal, p: MlflowParams): Promise<ChannelRecord> {
    const name = checkName(p.string('name'));
    const url = checkUrl(p.string('url'));
    const events = this.events(p, true)!;
    const status = checkStatus(p.optionalString('status') || 'ACTIVE');
    const created = await this.store.createChannel({
      projectId: principal.projectId,
      name,
      kind: 'MLFLOW_WEBHOOK',
      url,
      secret: p.optionalString('secret') || null,
      to: [],
      timeoutMs: this.timeoutMs,
      description: p.optionalString('description') || null,
      status,
      events,
    });
    return created!;
  }

  async get(principal: Principal, id: string): Promise<ChannelRecord> {
    const channel = UUID.test(id) ? await this.store.channel(id) : undefined;
    if (!channel || channel.projectId !== principal.projectId || channel.kind !== 'MLFLOW_WEBHOOK')
      throw notFound(`Webhook with ID ${id} not found.`);
    return channel;
  }

  /** Newest first, as MLflow lists them; the page token is an offset. */
  async list(principal: Principal, p: MlflowParams) {
    const max = p.optionalInteger('max_results') || 100;
    if (max < 1 || max > 1000) throw badUserInput('max_results must be between 1 and 1000.');
    const token = p.optionalString('page_token');
    let offset = 0;
    if (token) {
      offset = Number(Buffer.from(token, 'base64').toString('utf8'));
      if (!Number.isSafeInteger(offset) || offset < 0) throw badUserInput(`Invalid page token: '${token}'`);
    }
    const all = (await this.store.channels(principal.projectId))
      .filter((c) => c.kind === 'MLFLOW_WEBHOOK')
      .reverse();
    const page = all.slice(offset, offset + max);
    const next = offset + max < all.length ? Buffer.from(String(offset + max)).toString('base64') : undefined;
    return { webhooks: page, nextPageToken: next };
  }

  async update(principal: Principal, id: string, p: MlflowParams): Promise<ChannelRecord> {
    await this.get(principal, id);
    const name = p.optionalString('name');
    const url = p.optionalString('url');
    const status = p.optionalString('status');
    const events = this.events(p, false);
    const description = p.optionalString('description');
    const secret = p.optionalString('secret');
    const updated = await this.store.updateChannel(principal.projectId, id, {
      ...(name ? { name: checkName(name) } : {}),
      ...(url ? { url: checkUrl(url) } : {}),
      ...(events ? { events } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(secret !== undefined ? { secret } : {}),
      ...(status ? { status: checkStatus(status) } : {}),
    });
    if (!updated) throw notFound(`Webhook with ID ${id} not found.`);
    return updated;
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.get(principal, id);
    if (!(await this.store.deleteChannel(principal.projectId, id)))
      throw notFound(`Webhook with ID ${id} not found.`);
  }

  /** Sends MLflow's example payload for the event (or the webhook's first) now, and tells how it went. */
  async test(principal: Principal, id: string, p: MlflowParams) {
    const channel = await this.get(principal, id);
    const event = p.has('event') ? eventOf(p.toJSON().event) : channel.events[0]!;
    const [entity, action] = event.split('.') as [string, string];
    const envelope: MlflowEnvelope = {
      entity,
      action,
      timestamp: new Date().toISOString(),
      data: EXAMPLES[event]!,
    };
    try {
      const { status, text } = await postMlflowWebhook(channel, randomUUID(), envelope);
      return { success: status < 400, response_status: status, ...(text ? { response_body: text } : {}) };
    } catch (error) {
      return { success: false, error_message: `Failed to test webhook: ${(error as Error).message}` };
    }
  }

  /** The project's active webhooks that take this event, for the outbox. */
  async subscribers(event: ModelRegistryEvent): Promise<ChannelRecord[]> {
    const name = `${event.entity}.${event.action}`;
    return (await this.store.channels(event.projectId)).filter(
      (c) => c.kind === 'MLFLOW_WEBHOOK' && c.status === 'ACTIVE' && c.events.includes(name),
    );
  }
}
