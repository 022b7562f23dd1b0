import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gql, runNode, servedJarvis } from '@jarvis/testkit';
import { expect, it } from 'vitest';

const README = fileURLToPath(new URL('../README.md', import.meta.url));

it("the README's quick start runs as pasted, in ten lines, and does what it says", async () => {
  const readme = readFileSync(README, 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code, 'a ```js block under "## Quick start"').toBeTruthy();
  expect(code!.trim().split('\n').length).toBeLessThanOrEqual(10);

  await using jarvis = await servedJarvis();
  // "any folder of the workspace": one made for the test, removed after it.
  const folder = mkdtempSync(path.join(path.dirname(README), 'test', '.quickstart-'));
  try {
    writeFileSync(path.join(folder, 'quickstart.mjs'), code!);
    const program = runNode(path.join(folder, 'quickstart.mjs'), [], { JARVIS_URL: jarvis.url }, folder);
    expect(await program.exited, program.output()).toBe(0);
    const runId = /run (\w+) logged; model model\.onnx v1 stored \(sha256 [0-9a-f]{12}\)/.exec(
      program.output(),
    )?.[1];
    expect(runId, program.output()).toBeTruthy();
    expect(existsSync(path.join(folder, 'model.onnx'))).toBe(true);

    const { data } = await gql<{
      run: { status: string; loss: { step: number }[]; params: { key: string; value: string }[] };
      artifactByName: { kind: string; runId: string; aliases: string[] };
    }>(
      jarvis.url,
      `query($id: ID!) { run(id: $id) { status loss: metricHistory(key: "loss") { step } params { key value } }
        artifactByName(name: "model.onnx", alias: "candidate") { kind runId aliases } }`,
      { id: runId },
    );
    expect(data!.run.status).toBe('FINISHED');
    expect(data!.run.loss).toHaveLength(100);
    expect(data!.run.params).toEqual([{ key: 'lr', value: '0.01' }]);
    expect(data!.artifactByName).toMatchObject({
      kind: 'MODEL',
      runId,
      aliases: expect.arrayContaining(['candidate']),
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
