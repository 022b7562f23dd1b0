import type { JarvisConfig } from '@jarvis/config';
import type { Logger, Principal } from '@jarvis/context';
import { badUserInput, notFound } from '@jarvis/errors';
import type { Job } from '@jarvis/jobs';
import type { PubSub } from '@jarvis/pubsub';
import {
  ALERT_CHANGED_TOPIC,
  type AlertChanged,
  createOnce,
  listConnection,
  MODEL_ALIAS_MOVED_TOPIC,
  MODEL_REGISTRY_EVENT_TOPIC,
  type ModelAliasMoved,
  type ModelRegistryEvent,
  WORKFLOW_RUN_ENDED_TOPIC,
  type WorkflowRunEnded,
} from '@jarvis/subgraph';
import type { ChannelSender } from './channels/channelSender.ts';
import { emailSender } from './channels/emailSender.ts';
import { mlflowWebhookSender } from './channels/mlflowWebhookSender.ts';
import { slackSender } from './channels/slackSender.ts';
import { webhookSender } from './channels/webhookSender.ts';
import { DeliveryLoop } from './delivery/deliveryLoop.ts';
import { MlflowWebhooks } from './mlflowWebhooks.ts';
import type {
  ChannelKind,
  ChannelRecord,
  NotificationEvent,
  NotificationRecord,
  NotificationStatus,
} from './records.ts';
import type { NewNotification, NotificationStore } from './store/notificationStore.ts';
import { notificationChange, notificationsTopic } from './subscriptions.ts';
import { DEFAULT_TEMPLATES, render } from './templates.ts';

type NotificationsConfig = JarvisConfig['services']['notifications'];

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export interface ChannelInput {
  name: string;
  kind: ChannelKind;
  url?: string | null;
  secret?: string | null;
  to?: string[] | null;
  timeoutMs?: number | null;
}

/** An event as the intake sees it: who, what, the fields templates use, and channels it names itself. */
interface IncomingEvent {
  projectId: string;
  event: NotificationEvent;
  dedupKey: string;
  data: Record<string, unknown>;
  channelIds?: string[];
}

/**
 * The seed's Notification Service: channels, rules, and the events they turn into notifications
 * (alerts firing and resolving, workflows ending, model aliases moving), queued in an outbox and
 * delivered with retries.
 */
export class NotificationsService {
  private readonly store: NotificationStore;
  private readonly config: NotificationsConfig;
  private readonly pubsub: PubSub;
  private readonly logger: Logger;
  private readonly email: (ChannelSender & { close(): void }) | undefined;
  readonly delivery: DeliveryLoop;
  readonly mlflowWebhooks: MlflowWebhooks;
  private readonly subscriptions: AsyncIterableIterator<unknown>[] = [];

  constructor(deps: {
    store: NotificationStore;
    config: NotificationsConfig;
    pubsub: PubSub;
    logger: Logger;
  }) {
    this.store = deps.store;
    this.config = deps.config;
    this.pubsub = deps.pubsub;
    this.logger = deps.logger;
    this.email = deps.config.smtp ? emailSender(deps.config.smtp) : undefined;
    this.mlflowWebhooks = new MlflowWebhooks(deps.store, deps.config.timeout_ms);
    this.delivery = new DeliveryLoop({
      store: deps.store,
      senders: {
        WEBHOOK: webhookSender({ legacy: deps.config.legacy_webhook_headers }),
        SLACK: slackSender,
        MLFLOW_WEBHOOK: mlflowWebhookSender,
        ...(this.email ? { EMAIL: this.email } : {}),
      },
      settings: {
        maxAttempts: deps.config.max_attempts,
        initialBackoffMs: deps.config.initial_backoff_ms,
        leaseMs: deps.config.timeout_ms + 5_000,
      },
      logger: deps.logger,
      onChange: (notification, status) => this.announce([notification], status),
    });
  }

  /** Tells `notificationsChanged` subscribers; a pubsub hiccup never fails a delivery. */
  private async announce(notifications: NotificationRecord[], status: NotificationStatus) {
    await Promise.all(
      notifications.map((n) =>
        this.pubsub.publish(notificationsTopic(n.projectId), notificationChange(n, status)),
      ),
    ).catch((error: unknown) => this.logger.warn({ err: error }, 'could not announce a notification change'));
  }

  async start() {
    this.follow<AlertChanged>(ALERT_CHANGED_TOPIC, (e) => ({
      projectId: e.projectId,
      event: e.state === 'FIRING' ? 'ALERT_FIRING' : 'ALERT_RESOLVED',
      dedupKey: `alert:${e.alertId}:${e.state}`,
      data: {
        rule: e.rule,
        state: e.state,
        severity: e.severity,
        summary: e.summary,
        value: e.value,
        labels: e.labels,
        alertId: e.alertId,
        at: e.at,
      },
      channelIds: e.channelIds,
    }));
    this.follow<WorkflowRunEnded>(WORKFLOW_RUN_ENDED_TOPIC, (e) => ({
      projectId: e.projectId,
      event: e.status === 'COMPLETED' ? 'WORKFLOW_COMPLETED' : 'WORKFLOW_FAILED',
      dedupKey: `workflow:${e.runId}:${e.status}`,
      data: {
        workflow: e.workflow,
        runId: e.runId,
        status: e.status,
        component: e.component,
        error: e.error,
        at: e.at,
      },
    }));
    this.follow<ModelAliasMoved>(MODEL_ALIAS_MOVED_TOPIC, (e) => ({
      projectId: e.projectId,
      event: 'MODEL_ALIAS_MOVED',
      dedupKey: `alias:${e.model}:${e.alias}:${e.version}:${e.at}`,
      data: {
        model: e.model,
        alias: e.alias,
        version: e.version,
        previousVersion: e.previousVersion,
        at: e.at,
      },
    }));
    // MLflow's webhooks take the registry's events in MLflow's envelope; rules may too.
    this.follow<ModelRegistryEvent>(MODEL_REGISTRY_EVENT_TOPIC, async (e) => ({
      projectId: e.projectId,
      event: 'MODEL_REGISTRY',
      dedupKey: `registry:${e.id}`,
      data: { entity: e.entity, action: e.action, timestamp: e.at, data: e.data },
      channelIds: (await this.mlflowWebhooks.subscribers(e)).map((c) => c.id),
    }));
    await Promise.all(this.pending);
    this.delivery.kick();
  }

  /** Background work, on the process's job runner: delivering what has come due (retries). */
  jobs(): Job[] {
    return [{ name: 'deliver', intervalMs: this.config.poll_interval_ms, run: () => this.delivery.round() }];
  }

  async stop() {
    await Promise.all(this.subscriptions.map((s) => s.return?.()));
    await this.delivery.stop();
    this.email?.close();
  }

  private readonly pending: Promise<void>[] = [];

  private follow<T>(topic: string, toEvent: (payload: T) => IncomingEvent | Promise<IncomingEvent>) {
    this.pending.push(
      (async () => {
        const events = await this.pubsub.subscribe<T>(topic);
        this.subscriptions.push(events);
        void (async () => {
          for await (const payload of events)
            await Promise.resolve()
              .then(async () => this.accept(await toEvent(payload)))
              .catch((error: unknown) =>
                this.logger.error({ err: error, topic }, 'could not queue notifications for an event'),
              );
        })();
      })(),
    );
  }

  /** Queues one notification per channel the event reaches (its own channels and the matching rules'). */
  async accept(incoming: IncomingEvent) {
    const rules = (await this.store.rules(incoming.projectId, incoming.event)).filter((rule) =>
      Object.entries(rule.filter ?? {}).every(([key, value]) => String(incoming.data[key]) === String(value)),
    );
    const templates = new Map<string, { subject: string; body: string }>();
    const fallback = DEFAULT_TEMPLATES[incoming.event];
    for (const id of incoming.channelIds ?? []) templates.set(id, fallback);
    for (const rule of rules)
      for (const id of rule.channelIds)
        templates.set(id, { subject: rule.subject ?? fallback.subject, body: rule.body ?? fallback.body });
    const channels = await this.store.channels(incoming.projectId, [...templates.keys()]);
    const queued = await this.store.enqueue(
      channels.map((channel): NewNotification => {
        const template = templates.get(channel.id)!;
        const data = { ...incoming.data, channel: channel.name };
        return {
          projectId: incoming.projectId,
          channelId: channel.id,
          event: incoming.event,
          dedupKey: incoming.dedupKey,
          subject: render(template.subject, data).slice(0, 250),
          body: render(template.body, data),
          data: incoming.data,
        };
      }),
    );
    if (queued.length) {
      await this.announce(queued, 'PENDING');
      this.delivery.kick();
    }
    return queued;
  }

  // Channels

  async createChannel(
    principal: Principal,
    input: ChannelInput,
    idempotencyKey?: string | null,
  ): Promise<ChannelRecord> {
    const name = input.name?.trim();
    if (!name) throw badUserInput('a channel needs a name', { argument: 'name' });
    if (input.kind === 'MLFLOW_WEBHOOK')
      throw badUserInput(
        "MLflow webhooks are made with MLflow's client (MlflowClient.create_webhook) or POST /api/2.0/mlflow/webhooks",
        { argument: 'kind' },
      );
    const timeoutMs = input.timeoutMs ?? this.config.timeout_ms;
    // The outbox lease is sized on services.notifications.timeout_ms: a channel may be quicker, not slower.
    if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > this.config.timeout_ms)
      throw badUserInput(
        `timeoutMs is between 100 and services.notifications.timeout_ms (${this.config.timeout_ms})`,
        {
          argument: 'timeoutMs',
        },
      );
    let url: string | null = null;
    let to: string[] = [];
    if (input.kind === 'EMAIL') {
      if (!this.email)
        throw badUserInput(
          'e-mail is disabled until services.notifications.smtp is configured (host, port, from)',
          { argument: 'kind' },
        );
      to = input.to ?? [];
      const bad = to.filter((address) => !EMAIL.test(address));
      if (!to.length || bad.length)
        throw badUserInput(
          to.length ? `not e-mail addresses: ${bad.join(', ')}` : 'an EMAIL channel needs `to` addresses',
          { argument: 'to' },
        );
    } else {
      url = checkUrl(input.url);
      if (input.kind === 'SLACK' && input.secret)
        throw badUserInput('a Slack webhook URL is its own secret; leave `secret` out', {
          argument: 'secret',
        });
    }
    const channel = {
      projectId: principal.projectId,
      name,
      kind: input.kind,
      url,
      secret: input.kind === 'WEBHOOK' ? (input.secret ?? null) : null,
      to,
      timeoutMs,
      description: null,
      status: 'ACTIVE' as const,
      events: [],
    };
    return createOnce(
      idempotencyKey,
      channel,
      (stamp) => this.store.createChannel(channel, stamp),
      (key) => this.store.channelByIdempotencyKey(principal.projectId, key),
    );
  }

  deleteChannel(principal: Principal, id: string) {
    return this.store.deleteChannel(principal.projectId, id);
  }

  async channels(principal: Principal, first?: number | null, after?: string | null) {
    return listConnection(await this.store.channels(principal.projectId), first, after);
  }

  async channel(principal: Principal, id: string) {
    const channel = await this.store.channel(id);
    return channel?.projectId === principal.projectId ? channel : undefined;
  }

  // Rules

  async createRule(
    principal: Principal,
    input: {
      event: NotificationEvent;
      channelIds: string[];
      subject?: string | null;
      body?: string | null;
      filter?: unknown;
    },
    idempotencyKey?: string | null,
  ) {
    if (input.event === 'TEST')
      throw badUserInput('TEST notifications are sent with sendTestNotification, not by rules', {
        argument: 'event',
      });
    if (!input.channelIds.length)
      throw badUserInput('a rule needs at least one channel', { argument: 'channelIds' });
    const known = new Set(
      (await this.store.channels(principal.projectId, input.channelIds)).map((c) => c.id),
    );
    const unknown = input.channelIds.filter((id) => !known.has(id));
    if (unknown.length)
      throw notFound(`no channel ${unknown.join(', ')} in this project`, { argument: 'channelIds' });
    if (
      input.filter !== null &&
      input.filter !== undefined &&
      (typeof input.filter !== 'object' || Array.isArray(input.filter))
    )
      throw badUserInput('filter is an object of event fields to values', { argument: 'filter' });
    const rule = {
      projectId: principal.projectId,
      event: input.event,
      channelIds: input.channelIds,
      subject: input.subject ?? null,
      body: input.body ?? null,
      filter: (input.filter as Record<string, unknown>) ?? null,
    };
    return createOnce(
      idempotencyKey,
      rule,
      (stamp) => this.store.createRule(rule, stamp),
      (key) => this.store.ruleByIdempotencyKey(principal.projectId, key),
    );
  }

  deleteRule(principal: Principal, id: string) {
    return this.store.deleteRule(principal.projectId, id);
  }

  async rules(principal: Principal, first?: number | null, after?: string | null) {
    return listConnection(await this.store.rules(principal.projectId), first, after);
  }

  async rule(principal: Principal, id: string) {
    return (await this.store.rules(principal.projectId)).find((r) => r.id === id);
  }

  // Notifications

  async sendTest(principal: Principal, channelId: string) {
    const channel = await this.channel(principal, channelId);
    if (!channel) throw notFound(`no channel ${channelId} in this project`, { argument: 'channelId' });
    const [queued] = await this.accept({
      projectId: principal.projectId,
      event: 'TEST',
      dedupKey: `test:${Date.now()}:${Math.random()}`,
      data: { channel: channel.name, at: new Date().toISOString() },
      channelIds: [channel.id],
    });
    return queued!;
  }

  notifications(
    principal: Principal,
    args: { channelId?: string | null; status?: string | null; first?: number | null; after?: string | null },
  ) {
    return this.store.notificationPage(
      principal.projectId,
      { channelId: args.channelId ?? null, status: args.status ?? null },
      { first: args.first ?? null, after: args.after ?? null },
    );
  }

  notification(principal: Principal, id: string) {
    return this.store.notification(principal.projectId, id);
  }

  deliveries(id: string) {
    return this.store.deliveries(id);
  }
}

function checkUrl(raw: string | null | undefined): string {
  let url: URL;
  try {
    url = new URL(raw ?? '');
  } catch {
    throw badUserInput(`${JSON.stringify(raw ?? '')} is not a URL; give the http(s) address to POST to`, {
      argument: 'url',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw badUserInput(`the URL must be http or https, not ${url.protocol.replace(':', '')}`, {
      argument: 'url',
    });
  return url.toString();
}
