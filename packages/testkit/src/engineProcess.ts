import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  uid?: number;
  gid?: number;
}

const running = new Set<ChildProcess>();
// A test worker that dies must not leave engines behind holding ports and memory.
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/**
 * One engine process (and its children, as a process group), with the tail of its output kept
 * so a failed start says why.
 */
export class EngineProcess {
  readonly name: string;
  private child: ChildProcess | undefined;
  private output: string[] = [];
  private readonly options: SpawnOptions;

  constructor(options: SpawnOptions) {
    this.options = options;
    this.name = options.name;
  }

  start(): void {
    const { command, args, env, cwd, uid, gid } = this.options;
    this.output = [];
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(uid !== undefined ? { uid } : {}),
      ...(gid !== undefined ? { gid } : {}),
    });
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', (error) => keep(Buffer.from(`spawn error: ${error.message}\n`)));
    running.add(child);
    child.once('exit', () => running.delete(child));
    this.child = child;
  }

  /** Undefined while running; otherwise why it is not (for waitFor's isAlive). */
  exitReason = (): string | undefined => {
    const child = this.child;
    if (!child) return 'not started';
    if (child.exitCode === null && child.signalCode === null) return undefined;
    return `exited (${child.exitCode ?? child.signalCode}); last output:\n${this.tail()}`;
  };

  tail(lines = 30): string {
    return this.output.join('').split('\n').slice(-lines).join('\n');
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    killGroup(child, signal);
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** A scratch folder removed by the returned function. */
export function scratchDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `jarvis-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
