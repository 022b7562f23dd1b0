/** mulberry32: a small seeded generator, so a failing input can be replayed from its seed. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

export type Random = ReturnType<typeof seededRandom>;

/** Strings a careless or hostile client sends, beside plausible ones. */
export function nastyString(r: Random): string {
  return r.pick([
    '',
    ' ',
    '1',
    '-1',
    'a\u0000b',
    '\u0000',
    '\ud800',
    'é漢字🙂',
    '../../etc/passwd',
    '%',
    '%zz',
    '%00',
    "'; drop table x; --",
    'x'.repeat(5000),
    'y'.repeat(300),
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    'not-a-uuid',
    '0123456789abcdef0123456789abcdef',
    'exp',
    'hockey/role-classifier.pt',
    'production',
    'latest',
    'up{job="jarvis"}',
    'rate(x[5m',
    'http://127.0.0.1:1/hook',
    'javascript:alert(1)',
    '2026-13-45T99:99:99Z',
    '2026-01-01T00:00:00Z',
    'NaN',
    '1e309',
    '{"a":',
    '\r\n\t',
    '$var',
    '{{ name }}',
    'a'.repeat(64),
  ]);
}
