import { badUserInput } from '@jarvis/errors';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** Refuses a component or key name a setting cannot have, saying what it may be. */
export function checkName(what: 'component' | 'key', value: string) {
  if (!NAME.test(value)) {
    throw badUserInput(
      `${what} must be 1-128 characters of letters, digits, "_", ".", ":" or "-", starting with a letter or digit; got ${JSON.stringify(value)}`,
      { argument: what },
    );
  }
}
