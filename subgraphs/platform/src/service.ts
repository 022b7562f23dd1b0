import { type JarvisConfig, redactConfig } from '@jarvis/config';
import type { Principal } from '@jarvis/context';
import { badUserInput } from '@jarvis/errors';
import type { JobRunner } from '@jarvis/jobs';
import { type Connection, decodeCursor, pageSize, toConnection } from '@jarvis/subgraph';
import type { HealthRegistry, HealthResult } from '@jarvis/telemetry';
import type { SettingChangeRecord, SettingRecord, SettingsStore } from './store/settingsStore.ts';

export const MAX_SETTING_BYTES = 64 * 1024;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

function checkName(what: 'component' | 'key', value: string) {
  if (!NAME.test(value)) {
    throw badUserInput(
      `${what} must be 1-128 characters of letters, digits, "_", ".", ":" or "-", starting with a letter or digit; got ${JSON.stringify(value)}`,
      { argument: what },
    );
  }
}

/** The seed's Config and Monitoring services: settings with history, effective config, health. */
export class PlatformService {
  private readonly store: SettingsStore;
  private readonly health: HealthRegistry;
  private readonly config: JarvisConfig;
  private readonly jobRunner: JobRunner;

  constructor(deps: { store: SettingsStore; health: HealthRegistry; config: JarvisConfig; jobs: JobRunner }) {
    this.store = deps.store;
    this.health = deps.health;
    this.config = deps.config;
    this.jobRunner = deps.jobs;
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
    return this.store.set({
      projectId: principal.projectId,
      component,
      key,
      value,
      actor: principal.userId,
      idempotencyKey: idempotencyKey ?? undefined,
    });
  }

  async deleteSetting(principal: Principal, component: string, key: string): Promise<boolean> {
    checkName('component', component);
    checkName('key', key);
    return this.store.delete(principal.projectId, component, key, principal.userId);
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
