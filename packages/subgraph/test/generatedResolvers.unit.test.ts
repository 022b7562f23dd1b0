import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { expect, it } from 'vitest';
import config from '../../../codegen.ts';

it("every subgraph's generated resolver types match its schema.graphql", async () => {
  const outputs: { filename: string; content: string }[] = await generate({ ...config, silent: true }, false);
  expect(outputs.length).toBeGreaterThan(0);
  for (const { filename, content } of outputs) {
    const committed = readFileSync(filename, 'utf8');
    expect(committed === content, `${filename} is stale: run \`npm run codegen\` and commit it`).toBe(true);
  }
});
