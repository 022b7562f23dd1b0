import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const PACKAGE = new URL('../', import.meta.url).pathname;
const ENGINES = process.env.JARVIS_ENGINES ?? path.join(os.homedir(), '.cache/jarvis/engines');

/**
 * The SDK as a user installs it: the wheel built from clients/python (with the engines'
 * python-sdk-tools), installed into a fresh virtualenv offline from the engines' wheelhouse,
 * nothing of the repository on its path.
 */
export async function installedSdk(): Promise<{ python: string; dir: string; remove(): void }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-python-sdk-'));
  const tools = path.join(ENGINES, 'python-sdk-tools/bin/python');
  await run(
    tools,
    ['-m', 'build', '--wheel', '--no-isolation', '--outdir', path.join(dir, 'dist'), PACKAGE],
    {
      timeout: 120_000,
    },
  );
  const wheel = readdirSync(path.join(dir, 'dist')).find((f) => f.endsWith('.whl'));
  if (!wheel) throw new Error(`building clients/python made no wheel in ${dir}/dist`);
  await run('python3', ['-m', 'venv', path.join(dir, 'venv')]);
  const python = path.join(dir, 'venv/bin/python');
  const wheelhouse = path.join(ENGINES, 'python-wheelhouse');
  await run(
    python,
    [
      '-m',
      'pip',
      'install',
      '-q',
      '--no-index',
      '--find-links',
      wheelhouse,
      `${path.join(dir, 'dist', wheel)}[temporal]`,
      'pytest',
      'tqdm',
    ],
    { timeout: 180_000 },
  );
  return { python, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
