import { expect, it } from 'vitest';
import { createJarvisClient, RunHandle } from '../src/index.ts';

it('however many runs are open, one beforeExit listener flushes them, and it goes when the last closes', async () => {
  const before = process.listenerCount('beforeExit');
  const client = createJarvisClient({ url: 'http://127.0.0.1:9' });
  const handles = Array.from(
    { length: 25 },
    (_, i) => new RunHandle(client, { id: `r${i}`, name: `r${i}`, experimentId: 'e' }),
  );
  expect(process.listenerCount('beforeExit')).toBe(before + 1);
  // Nothing logged: closing sends nothing, so no Jarvis is needed.
  await Promise.all(handles.map((h) => h.close()));
  expect(process.listenerCount('beforeExit')).toBe(before);
});
