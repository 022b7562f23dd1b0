/** Pollers waiting for work on a task queue, woken when a step is scheduled there. */
export class TaskWaiters {
  private readonly waiting = new Map<string, Set<() => void>>();
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Resolves when `notify(queue)` is called, after `ms`, or when the signal aborts. */
  wait(queue: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiting.get(queue) ?? new Set();
      this.waiting.set(queue, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  /** Wakes one poller (a task is for one worker); all of them with `all`. */
  notify(queue: string, all = false) {
    const set = this.waiting.get(queue);
    if (!set) return;
    for (const wake of set) {
      wake();
      if (!all) return;
    }
  }

  /** Wakes a poller when a retry becomes due. */
  notifyAt(queue: string, at: Date) {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.notify(queue);
      },
      Math.max(0, at.getTime() - Date.now()),
    );
    this.timers.add(timer);
  }

  close() {
    for (const timer of this.timers) clearTimeout(timer);
    for (const queue of this.waiting.keys()) this.notify(queue, true);
  }
}
