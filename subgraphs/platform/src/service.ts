import { type JarvisConfig, redactConfig } from '@jarvis/config';
import type { Logger, Principal } from '@jarvis/context';
import { badUserInput } from '@jarvis/errors';
import type { JobRunner } from '@jarvis/jobs';
import type { PubSub } from '@jarvis/pubsub';
import { type Connection, decodeCursor, pageSize, toConnection } from '@jarvis/subgraph';
import type { HealthRegistry, HealthResult } from '@jarvis/telemetry';
import type { SettingChangeRecord, SettingRecord } from './records.ts';
import { checkName } from './settingName.ts';
import type { SettingsStore } from './store/settingsStore.ts';
import { type SettingEvent, settingsTopic } from './subscriptions.ts';

export const MAX_SETTING_BYTES = 64 * 1024;
/** The seed's Config and Monitoring services: settings with history, effective config, health. */
export class PlatformService {
  private readonly store: SettingsStore;
  private readonly health: HealthRegistry;
  private readonly config: JarvisConfig;
  private readonly jobRunner: JobRunner;
  private readonly pubsub: PubSub;
  private readonly logger: Logger;

  constructor(deps: {
    store: SettingsStore;
    health: HealthRegistry;
    config: JarvisConfig;
    jobs: JobRunner;
    pubsub: PubSub;
    logger: Logger;
  }) {
    this.store = deps.store;
    this.health = deps.health;
    this.config = deps.config;
    this.jobRunner = deps.jobs;
    this.pubsub = deps.pubsub;
    this.logger = deps.logger;
  }

  /** Tells `settingsChanged` subscribers; a pubsub hiccup never fails the change itself. */
  private async announce(projectId: string, event: SettingEvent) {
    await this.pubsub.publish(settingsTopic(projectId, event.component), event).catch((error: unknown) => {
      this.logger.warn(
        { err: error, component: event.component, key: event.key },
        'could not announce a setting change',
      );
    });
  }

  /** The deployment's background jobs, as their records in the metadata database say. */
  jobs() {
    return this.jobRunner.status();
  }

  effectiveConfig(): unknown {
    return redactConfig(this.config);
  }

  async setting(principal: Principal, component: string, key: string): Promise<SettingRecord | undefined> {
    checkName('component', component);
    checkName('key', key);
    return this.store.get(principal.projectId, component, key);
  }

  async settings(
    principal: Principal,
    component: string,
    first?: number | null,
    after?: string | null,
  ): Promise<Connection<SettingRecord>> {
    checkName('component', component);
    const limit = pageSize(first);
    const afterKey = decodeCursor<string>(after);
    if (afterKey !== undefined && typeof afterKey !== 'string')
      throw badUserInput('"after" is not a settings cursor');
    const page = await this.store.list(principal.projectId, component, limit + 1, afterKey);
    return toConnection(page.rows, limit, (s) => s.key, page.totalCount, afterKey !== undefined);
  }

  async setSetting(
    principal: Principal,
    component: string,
    key: string,
    value: unknown,
    idempotencyKey?: string | null,
  ): Promise<SettingRecord> {
    checkName('component', component);
    checkName('key', key);
    if (value === undefined) throw badUserInput('value is required', { argument: 'value' });
    const bytes = Buffer.byteLength(JSON.stringify(value));
    if (bytes > MAX_SETTING_BYTES) {
      throw badUserInput(`value is ${bytes} bytes of JSON; a setting holds at most ${MAX_SETTING_BYTES}`, {
        argument: 'value',
        limit: MAX_SETTING_BYTES,
        actual: bytes,
      });
    }
    if (
      idempotencyKey !== undefined &&
      idempotencyKey !== null &&
      (idempotencyKey.length < 1 || idempotencyKey.length > 200)
    ) {
      throw badUserInput('idempotencyKey must be 1-200 characters', { argument: 'idempotencyKey' });
    }
    const setting = await this.store.set({
      projectId: principal.projectId,
      component,
      key,
      value,
      actor: principal.userId,
      idempotencyKey: idempotencyKey ?? undefined,
    });
    await this.announce(principal.projectId, {
      component,
      key,
      value: setting.value,
      version: setting.version,
      changedBy: setting.updatedBy,
      changedAt: setting.updatedAt,
    });
    return setting;
  }

  async deleteSetting(principal: Principal, component: string, key: string): Promise<boolean> {
    checkName('component', component);
    checkName('key', key);
    const deleted = await this.store.delete(principal.projectId, component, key, principal.userId);
    if (deleted) {
      const [change] = (await this.store.history(principal.projectId, component, key, 1)).rows;
      if (change)
        await this.announce(principal.projectId, {
          component,
          key,
          value: null,
          version: change.version,
          changedBy: change.changedBy,
          changedAt: change.changedAt,
        });
    }
    return deleted;
  }

  async history(
    principal: Principal,
    setting: SettingRecord,
    first?: number | null,
    after?: string | null,
  ): Promise<Connection<SettingChangeRecord>> {
    const limit = pageSize(first);
    const beforeId = decodeCursor<number>(after);
    if (beforeId !== undefined && typeof beforeId !== 'number')
      throw badUserInput('"after" is not a history cursor');
    const page = await this.store.history(
      principal.projectId,
      setting.component,
      setting.key,
      limit + 1,
      beforeId,
    );
    return toConnection(page.rows, limit, (c) => c.id, page.totalCount, beforeId !== undefined);
  }

  checkHealth(): Promise<HealthResult[]> {
    return this.health.checkAll();
  }

  checkOne(name: string): Promise<HealthResult | undefined> {
    return this.health.checkOne(name);
  }
}
