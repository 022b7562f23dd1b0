/**
 * Temporal's SDK logs every worker state change at INFO on the console; a component's output is
 * its own. Installs the process-wide runtime with warnings and errors only, unless something
 * installed one first (then that one stands).
 *
 * The import is dynamic because this module is reachable from the package's entry point: a
 * component (or `jarvis dev`) that never talks to Temporal should not load its native worker.
 */
export async function quietTemporalRuntime(): Promise<void> {
  const { DefaultLogger, Runtime } = await import('@temporalio/worker');
  if (Runtime.instantiator) return;
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      // A worker that only runs activities (or only workflows) is what we mean.
      if (/^No (activities|workflows) registered/.test(entry.message)) return;
      console.warn(`[temporal ${entry.level}] ${entry.message}`, entry.meta ?? '');
    }),
  });
}
