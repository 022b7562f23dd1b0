import { collectSubscription, gql, liveSubscription, servedJarvis } from '@jarvis/testkit';
import { expect, it } from 'vitest';

interface SettingEvent {
  component: string;
  key: string;
  value: unknown;
  version: number;
  changedBy: string;
  changedAt: string;
}

it('settingsChanged streams a component’s setting changes (and deletions) as they are made, filtered by key', async () => {
  await using jarvis = await servedJarvis();
  const fields = 'component key value version changedBy changedAt';
  await using all = await liveSubscription<{ settingsChanged: SettingEvent }>(
    jarvis,
    `subscription { settingsChanged(component: "spotlight") { ${fields} } }`,
  );
  await using fps = await liveSubscription<{ settingsChanged: SettingEvent }>(
    jarvis,
    `subscription { settingsChanged(component: "spotlight", key: "fps") { ${fields} } }`,
  );
  const run = async (query: string) => {
    const result = await gql(jarvis.router.fetch, query);
    expect(result.errors).toBeUndefined();
  };
  await run('mutation { setSetting(component: "spotlight", key: "fps", value: 30) { version } }');
  await run('mutation { setSetting(component: "toolchain", key: "fps", value: 1) { version } }');
  await run('mutation { setSetting(component: "spotlight", key: "theme", value: {dark: true}) { version } }');
  await run('mutation { setSetting(component: "spotlight", key: "fps", value: 60) { version } }');
  await run('mutation { deleteSetting(component: "spotlight", key: "fps") }');

  const events = (await all.until(4)).map((e) => e.data!.settingsChanged);
  expect(events.map(({ key, value, version }) => ({ key, value, version }))).toEqual([
    { key: 'fps', value: 30, version: 1 },
    { key: 'theme', value: { dark: true }, version: 1 },
    { key: 'fps', value: 60, version: 2 },
    { key: 'fps', value: null, version: 3 },
  ]);
  expect(
    events.every((e) => e.component === 'spotlight' && e.changedBy && !Number.isNaN(Date.parse(e.changedAt))),
  ).toBe(true);
  expect((await fps.until(3)).map((e) => e.data!.settingsChanged.value)).toEqual([30, 60, null]);
});

it('settingsChanged refuses a component name a setting could not have, with BAD_USER_INPUT', async () => {
  await using jarvis = await servedJarvis();
  await using stream = collectSubscription(
    jarvis.url,
    'subscription { settingsChanged(component: "bad name\\u0000") { key } }',
  );
  const [event] = await stream.until(1);
  expect(event?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
});
