import { badUserInput } from '@jarvis/errors';
import { checkKey, LIMITS } from './limits.ts';

// What every ModelRegistry refuses before it writes anything, with MLflow's rules.

/** MLflow's rules: `latest` and `v<number>` would be ambiguous in `models:/name@alias` URIs. */
export function checkAlias(alias: string) {
  if (!/^[\w-]{1,255}$/.test(alias) || alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias)) {
    throw badUserInput(
      `alias ${JSON.stringify(alias)} is not valid: 1-255 letters, digits, _ and -, and not "latest" or v<number>`,
      { argument: 'alias' },
    );
  }
}

export function checkModelName(name: string) {
  if (!name.trim() || name.length > LIMITS.nameLength || [...name].some((ch) => ch.charCodeAt(0) < 0x20)) {
    throw badUserInput(
      `registered model name must be 1-${LIMITS.nameLength} characters without control characters`,
      { argument: 'name' },
    );
  }
}

export function checkVersion(version: number) {
  if (!Number.isSafeInteger(version) || version < 1)
    throw badUserInput(`version must be a whole number from 1, got ${version}`, { argument: 'version' });
}

export function checkTags(tags: Record<string, string>) {
  for (const [key, value] of Object.entries(tags)) {
    checkKey('tag', key);
    if (value.length > LIMITS.tagValueLength)
      throw badUserInput(`tag ${key}: value is longer than ${LIMITS.tagValueLength} characters`);
  }
}

/** What registry searches filter on (MLflow's names), besides `tags.<key>`. */
export const MODEL_ATTRIBUTES = { name: 'string' } as const;
/** What registry searches sort on: MLflow's names. */
export const ORDER_ATTRIBUTES = {
  name: 'string',
  version_number: 'number',
  creation_timestamp: 'number',
  last_updated_timestamp: 'number',
  timestamp: 'number',
} as const;
export const VERSION_ATTRIBUTES = {
  name: 'string',
  run_id: 'string',
  source: 'string',
  source_path: 'string',
  version_number: 'number',
  model_id: 'string',
} as const;
