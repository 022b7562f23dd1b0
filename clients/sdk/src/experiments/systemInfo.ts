import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import { promisify } from 'node:util';

let cached: Promise<{ runtime: string; platform: string; gitCommit?: string; host: string }> | undefined;

/** What a run records about where it ran: runtime, platform, git commit of the working folder, host. */
export function systemInfo() {
  cached ??= promisify(execFile)('git', ['rev-parse', 'HEAD'], { timeout: 2_000 })
    .then(({ stdout }) => stdout.trim() || undefined)
    .catch(() => undefined)
    .then((gitCommit) => ({
      runtime: `node ${process.versions.node}`,
      platform: `${process.platform}-${process.arch}`,
      ...(gitCommit ? { gitCommit } : {}),
      host: hostname(),
    }));
  return cached;
}
