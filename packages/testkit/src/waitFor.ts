/** Polls `probe` until it resolves truthy; the last error is in the timeout message. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  {
    timeoutMs = 120_000,
    intervalMs = 100,
    isAlive,
  }: { timeoutMs?: number; intervalMs?: number; isAlive?: () => string | undefined } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const dead = isAlive?.();
    if (dead) throw new Error(`${what}: ${dead}`);
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError ?? 'no answer');
  throw new Error(`${what} was not ready within ${timeoutMs} ms (${reason})`);
}
