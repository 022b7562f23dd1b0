import { badUserInput } from '@jarvis/errors';
import type { LogBatch } from './trackingStore.ts';

/** MLflow's limits (mlflow/utils/validation.py), so clients see the same rejections. */
export const LIMITS = {
  metricsPerBatch: 1000,
  /** logMetrics (columns): Jarvis's own limit, 10x MLflow's. */
  metricsPerSeriesCall: 10_000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  nameLength: 500,
} as const;

const KEY = /^[A-Za-z0-9_\-./ :]+$/;

export function checkKey(kind: string, key: string): void {
  if (
    !key ||
    key.length > LIMITS.keyLength ||
    !KEY.test(key) ||
    key.split('/').includes('..') ||
    key.startsWith('/')
  ) {
    throw badUserInput(
      `invalid ${kind} name ${JSON.stringify(key.slice(0, 300))}: 1-${LIMITS.keyLength} of letters, digits, "_ - . / : " and spaces, not a path that climbs out`,
      { argument: kind },
    );
  }
}

/** Checks a whole batch before anything is written. */
export function checkBatch(batch: LogBatch, metricsPerBatch: number = LIMITS.metricsPerBatch): void {
  const metrics = batch.metrics ?? [];
  const params = batch.params ?? [];
  const tags = batch.tags ?? [];
  if (metrics.length > metricsPerBatch)
    throw badUserInput(`a batch holds at most ${metricsPerBatch} metrics, got ${metrics.length}`);
  if (params.length > LIMITS.paramsPerBatch)
    throw badUserInput(`a batch holds at most ${LIMITS.paramsPerBatch} params, got ${params.length}`);
  if (tags.length > LIMITS.tagsPerBatch)
    throw badUserInput(`a batch holds at most ${LIMITS.tagsPerBatch} tags, got ${tags.length}`);
  const total = metrics.length + params.length + tags.length;
  if (total > Math.max(LIMITS.entitiesPerBatch, metricsPerBatch))
    throw badUserInput(`a batch holds at most ${LIMITS.entitiesPerBatch} items, got ${total}`);
  for (const m of metrics) {
    checkKey('metric', m.key);
    if (typeof m.value !== 'number') throw badUserInput(`metric ${m.key}: value must be a number`);
    if (!Number.isSafeInteger(m.timestamp) || !Number.isSafeInteger(m.step)) {
      throw badUserInput(`metric ${m.key}: timestamp and step must be whole numbers`);
    }
  }
  const seen = new Map<string, string>();
  for (const p of params) {
    checkKey('param', p.key);
    if (p.value.length > LIMITS.paramValueLength) {
      throw badUserInput(
        `param ${p.key}: value is ${p.value.length} characters; at most ${LIMITS.paramValueLength}`,
      );
    }
    if (seen.has(p.key) && seen.get(p.key) !== p.value)
      throw badUserInput(`param ${p.key} is given twice with different values in one batch`);
    seen.set(p.key, p.value);
  }
  for (const t of tags) {
    checkKey('tag', t.key);
    if (t.value.length > LIMITS.tagValueLength) {
      throw badUserInput(
        `tag ${t.key}: value is ${t.value.length} characters; at most ${LIMITS.tagValueLength}`,
      );
    }
  }
}

export function checkIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && (key.length < 1 || key.length > 200)) {
    throw badUserInput('idempotencyKey must be 1-200 characters', { argument: 'idempotencyKey' });
  }
}
