import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PubSub } from '../src/index.ts';

async function take<T>(iterator: AsyncIterator<T>, n: number, timeoutMs = 5_000): Promise<T[]> {
  const out: T[] = [];
  const deadline = setTimeout(() => iterator.return?.(), timeoutMs);
  try {
    while (out.length < n) {
      const { value, done } = await iterator.next();
      if (done) break;
      out.push(value);
    }
  } finally {
    clearTimeout(deadline);
  }
  return out;
}

/**
 * The one contract every PubSub implementation meets. `open` returns a publisher and a
 * subscriber, which for Redis are two separate instances (two replicas) on one server.
 */
export function pubSubContract(
  name: string,
  open: () => Promise<{ pub: PubSub; sub: PubSub; close(): Promise<void> }>,
) {
  describe(`PubSub contract: ${name}`, () => {
    let pub: PubSub;
    let sub: PubSub;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ pub, sub, close } = await open());
    });
    afterAll(() => close());

    it('delivers JSON payloads in publish order', async () => {
      const events = await sub.subscribe<{ n: number; tags: string[] }>('order');
      for (let n = 0; n < 50; n++) await pub.publish('order', { n, tags: [`t${n}`] });
      const got = await take(events, 50);
      expect(got.map((e) => e.n)).toEqual([...Array(50).keys()]);
      expect(got[7]).toEqual({ n: 7, tags: ['t7'] });
      await events.return!();
    });

    it('gives every subscriber of a topic its own copy, and nothing from other topics', async () => {
      const a = await sub.subscribe<{ v: number }>('fan');
      const b = await sub.subscribe<{ v: number }>('fan');
      const other = await sub.subscribe('not-fan');
      await pub.publish('fan', { v: 1 });
      const [[fromA], [fromB]] = await Promise.all([take(a, 1), take(b, 1)]);
      expect(fromA).toEqual({ v: 1 });
      expect(fromB).toEqual({ v: 1 });
      fromA!.v = 99;
      expect(fromB).toEqual({ v: 1 });
      await other.return!();
      expect(await take(other, 1, 200)).toEqual([]);
      await a.return!();
      await b.return!();
    });

    it('stops delivering after return() or abort, and counts live subscribers', async () => {
      const before = sub.subscriberCount();
      const controller = new AbortController();
      const aborted = await sub.subscribe('gone', { signal: controller.signal });
      const returned = await sub.subscribe('gone');
      expect(sub.subscriberCount()).toBe(before + 2);
      controller.abort();
      await returned.return!();
      expect(sub.subscriberCount()).toBe(before);
      await pub.publish('gone', { late: true });
      expect(await aborted.next()).toEqual({ value: undefined, done: true });
      expect(await returned.next()).toEqual({ value: undefined, done: true });
    });

    it('a subscription is live as soon as subscribe() resolves', async () => {
      const events = await sub.subscribe<string>('ready');
      await pub.publish('ready', 'first');
      expect(await take(events, 1)).toEqual(['first']);
      await events.return!();
    });
  });
}
