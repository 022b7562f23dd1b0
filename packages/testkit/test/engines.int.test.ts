import { Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  launchChromium,
  startMinio,
  startMlflow,
  startPostgres,
  startPrometheus,
  startRedis,
  startTemporal,
} from '../src/index.ts';

// One smoke test per engine: start it, talk to it with the client Jarvis uses, stop it.
describe('engines', () => {
  it('PostgreSQL: pg runs a transaction; the server survives stop and start with its data', async () => {
    await using server = await startPostgres();
    expect(server.version).toMatch(/PostgreSQL\) \d+/);
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query('create table t (id int primary key, v text)');
    await client.query("insert into t values (1, 'kept')");
    await client.end();
    await server.stop();
    await expect(new pg.Client({ connectionString: server.url }).connect()).rejects.toThrow();
    await server.start();
    const again = new pg.Client({ connectionString: server.url });
    await again.connect();
    const { rows } = await again.query('select v from t where id = 1');
    await again.end();
    expect(rows).toEqual([{ v: 'kept' }]);
  });

  it('Redis: ioredis publishes to a subscriber', async () => {
    await using server = await startRedis();
    const sub = new Redis(server.url);
    const pub = new Redis(server.url);
    try {
      await sub.subscribe('smoke');
      const received = new Promise<string>((resolve) => sub.on('message', (_c, m) => resolve(m)));
      await pub.publish('smoke', 'hello');
      expect(await received).toBe('hello');
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });

  it('MinIO: the minio client writes and reads back an object', async () => {
    await using server = await startMinio();
    const client = server.client();
    await client.makeBucket('smoke');
    await client.putObject('smoke', 'a/b.txt', Buffer.from('bytes on minio'));
    const stream = await client.getObject('smoke', 'a/b.txt');
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('bytes on minio');
  });

  it('Temporal dev server: @temporalio/client reaches the default namespace', async () => {
    await using server = await startTemporal();
    expect(server.version).toContain('Server 1.29.1');
    const connection = await Connection.connect({ address: server.address });
    try {
      const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
  });

  it('MLflow server: the REST API creates and finds an experiment', async () => {
    await using server = await startMlflow();
    const created = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'smoke' }),
    });
    expect(created.status).toBe(200);
    const { experiment_id } = (await created.json()) as { experiment_id: string };
    const got = await fetch(`${server.url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=smoke`);
    const body = (await got.json()) as { experiment: { experiment_id: string; name: string } };
    expect(body.experiment).toMatchObject({ experiment_id, name: 'smoke' });
  });

  it('Prometheus: the HTTP API answers a query about its own scrape', async () => {
    await using server = await startPrometheus();
    const result = await (async () => {
      for (let i = 0; i < 100; i++) {
        const res = await fetch(`${server.url}/api/v1/query?query=${encodeURIComponent('up{job="jarvis"}')}`);
        const body = (await res.json()) as {
          status: string;
          data: { result: { value: [number, string] }[] };
        };
        if (body.data.result.length) return body;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('prometheus never scraped itself');
    })();
    expect(result.status).toBe('success');
    expect(result.data.result[0]!.value[1]).toBe('1');
  });

  it('Chromium: playwright-core renders a page', async () => {
    await using chromium = await launchChromium();
    const page = await chromium.browser.newPage();
    await page.setContent(
      '<h1 id="t">Jarvis</h1><script>document.getElementById("t").textContent += " ok"</script>',
    );
    expect(await page.textContent('#t')).toBe('Jarvis ok');
  });
});
