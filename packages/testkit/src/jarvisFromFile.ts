import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createJarvis, type Jarvis } from '@jarvis/app';
import { loadConfig } from '@jarvis/config';

/**
 * Starts Jarvis the way `jarvis dev -c <file>` does: a `jarvis.yaml` (with `${VAR}`s taken
 * from `env`), loaded and validated, then createJarvis. `home` is a fresh folder unless the
 * YAML sets one; it is removed with the Jarvis.
 */
export async function jarvisFromFile(
  yaml: string,
  env: Record<string, string> = {},
): Promise<Jarvis & AsyncDisposable & { home: string; file: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-from-file-'));
  const file = path.join(dir, 'jarvis.yaml');
  writeFileSync(file, /^home:/m.test(yaml) ? yaml : `home: ${path.join(dir, 'home')}\n${yaml}`);
  try {
    const { config } = loadConfig({ file, env });
    const jarvis = await createJarvis(config);
    return Object.assign(jarvis, {
      home: config.home,
      file,
      async [Symbol.asyncDispose]() {
        await jarvis.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
