import { describe, expect, it } from 'vitest';
import { parseConfig, REDACTED, redactConfig, SHOWN_CONFIG_KEYS } from '../src/index.ts';
import { ALL_KEYS } from './configKeys.ts';

/** A config object with `value` at `path` (`*` becomes a key or index of its own). */
function withValue(path: string, value: unknown): Record<string, unknown> {
  const segments = path.split('.');
  const root: Record<string, unknown> = {};
  let node: Record<string, unknown> | unknown[] = root;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const next = segments[i + 1];
    const child = last ? value : next === '*' ? [] : {};
    if (Array.isArray(node)) node.push(child);
    else node[segment === '*' ? 'x' : segment] = child;
    if (!last) node = child as Record<string, unknown>;
  });
  return root;
}

function valueAt(config: unknown, path: string): unknown {
  let node = config;
  for (const segment of path.split('.')) {
    if (node === undefined || node === null) return undefined;
    node = Array.isArray(node) ? node[0] : (node as Record<string, unknown>)[segment === '*' ? 'x' : segment];
  }
  return node;
}

describe('redactConfig walks every key of the configuration schema', () => {
  it('finds the schema’s keys (the walk itself works)', () => {
    expect(ALL_KEYS.length).toBeGreaterThan(50);
    expect(ALL_KEYS).toContain('services.storage.encryption_key');
    expect(ALL_KEYS).toContain('services.notifications.smtp.password');
  });

  it('the allow list names only keys the schema has', () => {
    for (const key of SHOWN_CONFIG_KEYS) expect(ALL_KEYS, `${key} is not a configuration key`).toContain(key);
  });

  it('secrets are never on the allow list', () => {
    for (const key of [
      'services.storage.secret_key',
      'services.storage.encryption_key',
      'services.analytics.dashboard_token',
      'services.notifications.smtp.password',
    ]) {
      expect(ALL_KEYS).toContain(key);
      expect(SHOWN_CONFIG_KEYS).not.toContain(key);
    }
  });

  it.each(ALL_KEYS)('%s: shown only when allow-listed, else redacted', (key) => {
    const sentinel = `sentinel-${key}`;
    const redacted = redactConfig(withValue(key, sentinel));
    const shown = valueAt(redacted, key);
    if (SHOWN_CONFIG_KEYS.includes(key)) expect(shown).toBe(sentinel);
    else expect(shown).toBe(REDACTED);
    expect(JSON.stringify(redacted).includes(sentinel)).toBe(SHOWN_CONFIG_KEYS.includes(key));
  });

  it('URL passwords are redacted even in shown keys', () => {
    const config = parseConfig(
      {
        database: { url: 'postgres://jarvis:hunter2@db:5432/jarvis' },
        pubsub: { type: 'redis', url: 'redis://:pw9@r:6379' },
      },
      'x',
      {},
    );
    const shown = redactConfig(config);
    expect(shown.database.url).toBe(`postgres://jarvis:${REDACTED}@db:5432/jarvis`);
    expect(JSON.stringify(shown)).not.toContain('pw9');
  });
});
