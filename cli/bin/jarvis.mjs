#!/usr/bin/env -S node --max-semi-space-size=16 --liftoff-only
// The flags keep `jarvis dev` laptop-sized (bench/README.md has the breakdown): on a machine
// with much memory V8 lets the young generation grow to 128 MB and keeps it (16 MB semi-spaces
// cost no measurable throughput); and compiling the embedded PostgreSQL's hot WebAssembly
// with TurboFan briefly took ~500 MB at every start. Liftoff alone runs PGlite's SQL ~1.5x
// slower, which a laptop's metadata does not notice; PostgreSQL servers are not WebAssembly.
// Run as `node cli/bin/jarvis.mjs`, the flags are not applied.
// Plain JavaScript so that an old Node can still say what is wrong instead of a syntax error.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(
    `jarvis needs Node.js 24 or newer (this is ${process.version}).\n` +
      'In a checkout, run `. scripts/node24.sh` to put Node 24 first on PATH, or install Node 24 LTS.',
  );
  process.exit(1);
}
// Compiled modules are cached on disk (Node's compile cache), so later starts skip most parsing.
const { enableCompileCache } = await import('node:module');
const { homedir } = await import('node:os');
enableCompileCache?.(`${process.env.JARVIS_CACHE ?? `${homedir()}/.cache/jarvis`}/node-compile-cache`);
await import('../src/main.ts');
