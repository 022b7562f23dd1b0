import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/** The Temporal packages a fresh Node process has loaded after importing `specifier`. */
function temporalPackagesLoadedBy(specifier: string, cwd: string): string[] {
  const program = `
    import { createRequire } from 'node:module';
    await import(process.argv[1]);
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    const names = loaded.map((file) => /node_modules\\/(@temporalio\\/[^/]+)/.exec(file)?.[1]).filter(Boolean);
    console.log(JSON.stringify([...new Set(names)]));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', program, specifier], { cwd });
  return JSON.parse(out.toString());
}

it("a component that does not run a Temporal worker never loads Temporal's SDK, nor does the router", () => {
  // @temporalio/worker brings a native module and ~40 MB; storing an artifact should not pay for it.
  const sdk = fileURLToPath(new URL('..', import.meta.url));
  expect(temporalPackagesLoadedBy('@jarvis/sdk', sdk)).toEqual([]);
  const router = fileURLToPath(new URL('../../../router', import.meta.url));
  expect(temporalPackagesLoadedBy('@jarvis/router', router)).toEqual([]);
  // The probe does see Temporal when it is loaded, so an empty list above means something.
  expect(temporalPackagesLoadedBy('@temporalio/worker', sdk)).toContain('@temporalio/worker');
});
