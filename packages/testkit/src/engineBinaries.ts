import { existsSync, readdirSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const INSTALL_HINT = 'run `bash scripts/install-engines.sh` (it installs every engine the tests use)';

/** Where scripts/install-engines.sh puts what it builds. */
export function enginesDir(): string {
  return (
    process.env.JARVIS_ENGINES ??
    path.join(process.env.JARVIS_CACHE ?? path.join(os.homedir(), '.cache', 'jarvis'), 'engines')
  );
}

/** A missing engine is a failure with the fix in the message, never a skipped test. */
export function engineBinary(name: 'minio' | 'temporal' | 'mlflow' | 'wsgidav'): string {
  const file = path.join(enginesDir(), 'bin', name);
  if (!existsSync(file)) throw new Error(`${name} is not installed at ${file}: ${INSTALL_HINT}`);
  return file;
}

/** The python of the MLflow virtualenv, which has the official `mlflow` client, for peer tests. */
export function mlflowPython(): string {
  const python = path.join(path.dirname(realpathSync(engineBinary('mlflow'))), 'python');
  if (!existsSync(python))
    throw new Error(`the MLflow virtualenv has no python at ${python}: ${INSTALL_HINT}`);
  return python;
}

export function systemBinary(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const file = path.join(dir, name);
    if (dir && existsSync(file)) return file;
  }
  throw new Error(`${name} is not on PATH: ${INSTALL_HINT}`);
}

export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const dir = path.join(root, v, 'bin');
    if (existsSync(path.join(dir, 'postgres'))) return dir;
  }
  throw new Error(`PostgreSQL server binaries are not under ${root}: ${INSTALL_HINT}`);
}
