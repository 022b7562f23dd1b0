import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const JARVIS = fileURLToPath(new URL('../../cli/bin/jarvis.mjs', import.meta.url));

/**
 * `jarvis …` as a user's shell runs it: Node with the flags on the bin's `#!` line (which, and
 * why, cli/bin/jarvis.mjs says), so a benchmark measures the footprint users get, not `node
 * jarvis.mjs`'s.
 */
export function jarvisCommand(args: string[]): { command: string; args: string[] } {
  const shebang = readFileSync(JARVIS, 'utf8').split('\n', 1)[0]!;
  const flags = shebang.split(/\s+/).filter((word) => word.startsWith('--'));
  return { command: process.execPath, args: [...flags, JARVIS, ...args] };
}
