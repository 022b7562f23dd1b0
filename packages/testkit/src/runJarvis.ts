import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

export const JARVIS_BIN = fileURLToPath(new URL('../../../cli/bin/jarvis.mjs', import.meta.url));

export interface Running {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first match of `pattern` in the output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

const alive = new Set<ChildProcess>();

// A test that fails part-way must not leave a `jarvis dev` running behind it. (Benchmarks use
// testkit outside vitest, where there are no tests to hook into.)
if (process.env.VITEST)
  afterEach(() => {
    for (const child of alive) child.kill('SIGKILL');
    alive.clear();
  });

/** Runs the real `jarvis` CLI as a user would, in its own process (killed after the test if still running). */
export function runJarvis(args: string[], env: Record<string, string> = {}, cwd?: string): Running {
  return runNode(JARVIS_BIN, args, { JARVIS_CONFIG: '', ...env }, cwd);
}

/** Runs a Node program (a `.ts` file runs as it is) in its own process, killed after the test if still running. */
export function runNode(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): Running {
  const child = spawn(process.execPath, [script, ...args], {
    cwd,
    // The child is a program of its own, not part of this vitest run: with VITEST set, testkit
    // inside it would try to register vitest hooks and fail.
    env: { ...withoutVitest(process.env), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  alive.add(child);
  child.once('exit', () => alive.delete(child));
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (match) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} in the output of ${script} within ${timeoutMs} ms:\n${text}`));
        }, timeoutMs);
        listeners.add(check);
        exited.then(() =>
          setTimeout(() => {
            if (listeners.has(check)) {
              listeners.delete(check);
              clearTimeout(timer);
              reject(new Error(`${script} exited before printing ${pattern}:\n${text}`));
            }
          }, 50),
        );
        check();
      });
    },
  };
}

function withoutVitest(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('VITEST')));
}
