import type { ConfigIssue } from './configError.ts';

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed YAML tree. Works on the
 * tree, not the text, so a value cannot inject YAML and each failure knows its key path.
 * A string that is exactly one `${VAR}` whose value looks like a number or boolean becomes one,
 * so `port: ${PORT}` works.
 */
export function interpolateEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  issues: ConfigIssue[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{[^}]+\}$/.test(value);
    const out = value.replace(PATTERN, (_m, name: string, hasDefault: string | undefined, fallback = '') => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (hasDefault !== undefined) return fallback;
      issues.push({
        path: path.join('.'),
        message: `environment variable ${name} is not set (set it, or write \${${name}:-default})`,
      });
      return '';
    });
    if (whole && out !== value) {
      if (/^-?\d+(\.\d+)?$/.test(out)) return Number(out);
      if (out === 'true' || out === 'false') return out === 'true';
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, issues, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, issues, [...path, k])]),
    );
  }
  return value;
}
