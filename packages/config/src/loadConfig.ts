import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError, type ConfigIssue } from './configError.ts';
import { configSchema, type JarvisConfig } from './configSchema.ts';
import { interpolateEnv } from './interpolateEnv.ts';

export interface LoadConfigOptions {
  /** Explicit file; otherwise $JARVIS_CONFIG, then ./jarvis.yaml if it exists, else defaults only. */
  file?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export interface LoadedConfig {
  config: JarvisConfig;
  /** The file read, or undefined when running on defaults. */
  file: string | undefined;
}

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.file || env.JARVIS_CONFIG || undefined;
  const candidate = explicit ?? path.join(cwd, 'jarvis.yaml');
  let raw: unknown = {};
  let file: string | undefined;
  if (explicit && !existsSync(path.resolve(cwd, explicit))) {
    throw new ConfigError(explicit, [{ path: '', message: 'file not found' }]);
  }
  if (existsSync(path.resolve(cwd, candidate))) {
    file = path.resolve(cwd, candidate);
    try {
      raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
    } catch (error) {
      if (error instanceof YAMLParseError) {
        const pos = error.linePos?.[0];
        throw new ConfigError(file, [
          {
            path: '',
            message: `not valid YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${error.code}`,
          },
        ]);
      }
      throw error;
    }
  }
  return { config: parseConfig(raw, file ?? 'defaults', env, cwd), file };
}

/** Validates an already-parsed document (a YAML tree or an object from code). */
export function parseConfig(
  raw: unknown,
  source = 'config',
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): JarvisConfig {
  // The seed's files wrap everything in `jarvis_core:`; accept both shapes.
  let doc = raw;
  if (doc && typeof doc === 'object' && !Array.isArray(doc) && 'jarvis_core' in doc) {
    doc = (doc as { jarvis_core: unknown }).jarvis_core;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(source, [{ path: '', message: 'expected a mapping of keys to values' }]);
  }
  const issues: ConfigIssue[] = [];
  const interpolated = interpolateEnv(doc, env, issues) as Record<string, unknown>;
  if (issues.length) throw new ConfigError(source, issues);
  if (env.JARVIS_HOME) interpolated.home = env.JARVIS_HOME;
  const result = configSchema.safeParse(interpolated, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(
      source,
      result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: describeIssue(issue),
      })),
    );
  }
  return { ...result.data, home: path.resolve(cwd, result.data.home) };
}

const SECRET_PATH = /(secret|password|token|key)/i;

function describeIssue(issue: {
  message: string;
  path: PropertyKey[];
  input?: unknown;
  code: string;
}): string {
  const last = String(issue.path.at(-1) ?? '');
  if (issue.code === 'unrecognized_keys' || issue.input === undefined || SECRET_PATH.test(last))
    return issue.message;
  return `${issue.message} (got ${JSON.stringify(issue.input)})`;
}
