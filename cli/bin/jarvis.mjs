#!/usr/bin/env node
// Plain JavaScript so that an old Node can still say what is wrong instead of a syntax error.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(
    `jarvis needs Node.js 24 or newer (this is ${process.version}).\n` +
      'In a checkout, run `. scripts/node24.sh` to put Node 24 first on PATH, or install Node 24 LTS.',
  );
  process.exit(1);
}
await import('../src/main.ts');
