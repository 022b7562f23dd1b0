import { startPostgres, testJarvis } from '@jarvis/testkit';
import { expect, it } from 'vitest';

interface Ready {
  status: string;
  checks: { name: string; status: string; message: string | null }[];
}

async function ready(fetch: (r: Request) => Promise<Response>) {
  const response = await fetch(new Request('http://jarvis.test/ready'));
  return { code: response.status, body: (await response.json()) as Ready };
}

it('/ready turns false when PostgreSQL stops and true again when it is back', async () => {
  await using pg = await startPostgres();
  await using jarvis = await testJarvis({ database: { url: pg.url } });
  const fetch = jarvis.router.fetch;
  expect((await ready(fetch)).code).toBe(200);

  await pg.stop();
  const down = await ready(fetch);
  expect(down.code).toBe(503);
  expect(down.body.status).toBe('not ready');
  const database = down.body.checks.find((c) => c.name === 'database')!;
  expect(database.status).toBe('DOWN');
  expect(database.message).toBeTruthy();
  // Liveness stays up: the process is fine, its database is not.
  expect((await fetch(new Request('http://jarvis.test/health'))).status).toBe(200);

  await pg.start();
  let back = await ready(fetch);
  for (let i = 0; i < 50 && back.code !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    back = await ready(fetch);
  }
  expect(back.code).toBe(200);
  expect(back.body.checks.every((c) => c.status === 'UP')).toBe(true);
});
