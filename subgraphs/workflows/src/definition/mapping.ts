// Pure (see workflowDefinition.ts): the Temporal sandbox imports it.

/**
 * A step's input (and a workflow's output) is JSON in which a string starting with `$` is a
 * reference: `$input`, `$input.a.b`, `$steps.<id>.output`, `$steps.<id>.output.items.0`.
 * A literal string starting with `$` is written `$$…`.
 */
export type Reference = { root: 'input'; path: string[] } | { root: 'step'; step: string; path: string[] };

export interface MappingProblem {
  /** Where in the mapping, e.g. `input.dataset` or `input.files[1]`. */
  at: string;
  message: string;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

export function parseReference(text: string): Reference | { error: string } {
  const parts = text.slice(1).split('.');
  if (parts.some((p) => !SEGMENT.test(p)))
    return { error: `"${text}" is not a reference: segments are letters, digits, _ or -, joined by dots` };
  if (parts[0] === 'input') return { root: 'input', path: parts.slice(1) };
  if (parts[0] === 'steps') {
    if (parts.length < 3 || parts[2] !== 'output')
      return { error: `"${text}" must read $steps.<stepId>.output[.path]` };
    return { root: 'step', step: parts[1]!, path: parts.slice(3) };
  }
  return { error: `"${text}" must start with $input or $steps (write $$ for a literal $)` };
}

/** Every reference in a mapping, with where it sits; problems for those that do not parse. */
export function referencesIn(mapping: unknown, at: string) {
  const references: { at: string; reference: Reference }[] = [];
  const problems: MappingProblem[] = [];
  const walk = (value: unknown, where: string) => {
    if (typeof value === 'string') {
      if (value.startsWith('$') && !value.startsWith('$$')) {
        const parsed = parseReference(value);
        if ('error' in parsed) problems.push({ at: where, message: parsed.error });
        else references.push({ at: where, reference: parsed });
      }
    } else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, `${where}[${i}]`);
    } else if (value && typeof value === 'object')
      for (const [key, v] of Object.entries(value)) walk(v, `${where}.${key}`);
  };
  walk(mapping, at);
  return { references, problems };
}

function follow(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The mapping with every reference replaced by its value (null where the path leads nowhere). */
export function evaluateMapping(mapping: unknown, input: unknown, outputs: Record<string, unknown>): unknown {
  if (typeof mapping === 'string') {
    if (mapping.startsWith('$$')) return mapping.slice(1);
    if (!mapping.startsWith('$')) return mapping;
    const reference = parseReference(mapping);
    if ('error' in reference) return null;
    const value =
      reference.root === 'input'
        ? follow(input, reference.path)
        : follow(outputs[reference.step], reference.path);
    return value === undefined ? null : value;
  }
  if (Array.isArray(mapping)) return mapping.map((m) => evaluateMapping(m, input, outputs));
  if (mapping && typeof mapping === 'object')
    return Object.fromEntries(
      Object.entries(mapping).map(([k, v]) => [k, evaluateMapping(v, input, outputs)]),
    );
  return mapping;
}
