import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { IdentityService } from '@jarvis/subgraph-identity';
import { servedJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedSdk, PACKAGE } from './installedSdk.ts';

const run = promisify(execFile);

/**
 * The Python SDK as its users get it: the wheel built from clients/python, installed into a fresh
 * virtualenv (offline, from the engines' wheelhouse; nothing of the repository on sys.path), then
 * its pytest suite and the README's quick start against a served Jarvis with API keys, whose
 * router takes only trusted documents.
 */
describe('the Python SDK, from its wheel', () => {
  let scratch: string;
  let python: string;
  let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
  let key: string;

  beforeAll(async () => {
    const sdk = await installedSdk();
    scratch = sdk.dir;
    python = sdk.python;
    jarvis = await servedJarvis({
      auth: { mode: 'keys' },
      router: { documents: { accept: 'trusted' } },
      services: { drives: { local_roots: [scratch] } },
    });
    const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
    key = (await identity.issueKey({ projectId: 'default', name: 'python', role: 'editor' })).secret;
  }, 400_000);
  afterAll(async () => {
    await jarvis?.[Symbol.asyncDispose]();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const env = () => ({
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    JARVIS_URL: jarvis.url,
    JARVIS_API_KEY: key,
    // Where the suite may connect local-folder drives (services.drives.local_roots).
    JARVIS_TEST_DRIVE_ROOT: scratch,
  });

  it('the installed package is the wheel, not the repository', async () => {
    const { stdout } = await run(python, ['-c', 'import jarvis, sys; print(jarvis.__file__)'], {
      cwd: scratch,
      env: env(),
    });
    expect(stdout.trim().startsWith(path.join(scratch, 'venv'))).toBe(true);
  });

  it('its pytest suite passes against a served Jarvis', async () => {
    const result = await run(
      python,
      [
        '-m',
        'pytest',
        path.join(PACKAGE, 'tests'),
        '-q',
        '-p',
        'no:cacheprovider',
        '--import-mode=importlib',
      ],
      { cwd: scratch, env: env(), timeout: 600_000, maxBuffer: 32 * 1024 * 1024 },
    ).catch((error: { stdout: string; stderr: string; code: number }) => error);
    const output = `${result.stdout}\n${result.stderr}`;
    expect('code' in result ? result.code : 0, output).toBe(0);
    expect(output).toMatch(/\d+ passed/);
    expect(output).not.toMatch(/skipped|xfail/);
  }, 700_000);

  it("the README's quick start runs as pasted", async () => {
    const readme = readFileSync(path.join(PACKAGE, 'README.md'), 'utf8');
    const block = /```python\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'clients/python/README.md has a ```python quick start').toBeTruthy();
    const script = path.join(scratch, 'quickstart.py');
    writeFileSync(script, block!);
    const { stdout } = await run(python, [script], { cwd: scratch, env: env(), timeout: 120_000 });
    expect(stdout).toMatch(/stored model .* v1/);
    expect(stdout).toMatch(/registered .* version 1/);
    expect(stdout).toMatch(/STEP_PROGRESS scoring [0-9a-f-]{36}/);
    expect(stdout.trim().split('\n').at(-1)).toMatch(/^RUN_COMPLETED/);
  }, 200_000);
});
