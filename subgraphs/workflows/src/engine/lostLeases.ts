import { hostname } from 'node:os';
import { NO_LEASE } from '../store/runStore.ts';
import type { Transitions } from './transitions.ts';

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Steps held by in-process workers of an earlier life of this host's engine (a crash or
 * kill -9) run again at once, without counting the lost attempt against their retries.
 * `instance` is this engine's own lease owner prefix (`inproc:<host>:<pid>:<id>`).
 */
export async function recoverLostLeases(t: Transitions, instance: string) {
  const rows = await t.store.stepsLeasedBy(`inproc:${hostname()}:%`);
  for (const row of rows) {
    const [, , pid, id] = (row.lease_owner ?? '').split(':');
    if (`${id}` === instance.split(':')[3]) continue;
    if (Number(pid) !== process.pid && isAlive(Number(pid))) continue;
    await t.run(async (tx) => {
      const run = await t.store.lockRun(tx.trx, row.run_id);
      if (run?.status !== 'RUNNING') return;
      await t.store.setStep(tx.trx, row.run_id, row.step_id, {
        status: 'SCHEDULED',
        attempt: row.attempt - 1,
        due_at: new Date(),
        ...NO_LEASE,
      });
      await tx.emit(run, [
        {
          type: 'LOG',
          stepId: row.step_id,
          attempt: row.attempt,
          message: 'the worker running this step was lost when Jarvis stopped; running it again',
          data: { level: 'warn' },
        },
      ]);
    });
  }
}
