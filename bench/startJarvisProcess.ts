import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { jarvisCommand } from './harness/jarvisCommand.ts';
import { peakRssMb, resetPeak, rssMb } from './harness/processMemory.ts';

/**
 * `jarvis dev` as its own process (as users run it), configured by `config` under `dir`, on a
 * free port. Measures its resident memory from /proc; start-up is not what benchmarks measure,
 * so the peak is reset once it is ready.
 */
export async function startJarvisProcess(dir: string, config: Record<string, unknown>) {
  const file = `${dir}.yaml`;
  writeFileSync(file, JSON.stringify({ home: dir, log: { level: 'warn' }, ...config }));
  const jarvis = jarvisCommand(['dev', '--port', '0', '--config', file]);
  const child = spawn(jarvis.command, jarvis.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphiQL\s+(http:\/\/\S+)\/graphql/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', () => reject(new Error(`jarvis exited:\n${output}`)));
  });
  resetPeak(child.pid!);
  return {
    url,
    baselineMb: rssMb(child.pid!),
    peakRssMb: () => peakRssMb(child.pid!),
    stop: () =>
      new Promise<void>((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}
