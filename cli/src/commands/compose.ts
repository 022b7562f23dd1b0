import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SUBGRAPHS } from '@jarvis/app';
import { composeStack } from '../composeStack.ts';

export function compose(options: { dir?: string }) {
  const dir = path.resolve(options.dir ?? '.');
  const files = composeStack(SUBGRAPHS.map((s) => s.name));
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${path.relative(process.cwd(), file) || file}`);
  }
  console.log('\nStart the stack with `docker compose up --build` (needs a Docker engine).');
}
