import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * Temporal's SDK logs every worker state change at INFO on the console; a component's output is
 * its own. Installs the process-wide runtime with warnings and errors only, unless something
 * installed one first (then that one stands).
 */
export function quietTemporalRuntime() {
  if (Runtime.instantiator) return;
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      // A worker that only runs activities (or only workflows) is what we mean.
      if (/^No (activities|workflows) registered/.test(entry.message)) return;
      console.warn(`[temporal ${entry.level}] ${entry.message}`, entry.meta ?? '');
    }),
  });
}
