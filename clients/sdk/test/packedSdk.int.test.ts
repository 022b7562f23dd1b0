import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gql, runNode, servedJarvis } from '@jarvis/testkit';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  }).toString();

it('packed with `npm pack`, the SDK installs outside the workspace and the quick start runs on plain Node', {
  timeout: 240_000,
}, async () => {
  const project = mkdtempSync(path.join(os.tmpdir(), 'jarvis-component-'));
  try {
    // What a team does: pack the two client packages, install the tarballs in its own project.
    npm(['pack', '-w', '@jarvis/worker', '-w', '@jarvis/sdk', '--pack-destination', project], ROOT);
    const tarballs = readdirSync(project)
      .filter((f) => f.endsWith('.tgz'))
      .sort();
    expect(tarballs).toEqual(['jarvis-sdk-0.1.0.tgz', 'jarvis-worker-0.1.0.tgz']);
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'hockey-component', private: true, type: 'module' }),
    );
    npm(
      ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs.map((t) => `./${t}`)],
      project,
    );
    const installed = JSON.parse(
      readFileSync(path.join(project, 'node_modules/@jarvis/sdk/package.json'), 'utf8'),
    );
    expect(installed.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    // The workspace keeps exporting its sources.
    expect(JSON.parse(readFileSync(path.join(ROOT, 'clients/sdk/package.json'), 'utf8')).exports['.']).toBe(
      './src/index.ts',
    );

    // The worker carries the protocol it shares with the workflows subgraph inside it.
    const worker = JSON.parse(
      readFileSync(path.join(project, 'node_modules/@jarvis/worker/package.json'), 'utf8'),
    );
    expect(Object.keys(worker.dependencies).filter((d: string) => d.startsWith('@jarvis/'))).toEqual([]);
    const probe = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const w = await import('@jarvis/worker'); console.log(typeof w.createWorker, w.abortReasonOfRun('CANCELLED'))",
      ],
      { cwd: project },
    ).toString();
    expect(probe.trim()).toBe('function RUN_CANCELLED');

    const readme = readFileSync(path.join(ROOT, 'clients/sdk/README.md'), 'utf8');
    const code = /```js\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Quick start')))![1]!;
    writeFileSync(path.join(project, 'quickstart.mjs'), code);
    await using jarvis = await servedJarvis();
    const program = runNode(path.join(project, 'quickstart.mjs'), [], { JARVIS_URL: jarvis.url }, project);
    expect(await program.exited, program.output()).toBe(0);
    const runId = /run (\w+) logged; model model\.onnx v1 stored/.exec(program.output())?.[1];
    expect(runId, program.output()).toBeTruthy();
    const { data } = await gql<{ run: { status: string } }>(
      jarvis.url,
      'query($id: ID!) { run(id: $id) { status } }',
      { id: runId },
    );
    expect(data!.run.status).toBe('FINISHED');
  } finally {
    // A pack cut off between prepack and postpack must not leave the workspace pointing at dist/.
    for (const client of ['sdk', 'worker'])
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/packClient.ts'), 'restore'], {
        cwd: path.join(ROOT, 'clients', client),
      });
    rmSync(project, { recursive: true, force: true });
  }
});
