import { liveSubscription, servedJarvis } from '@jarvis/testkit';
import { expect, it } from 'vitest';
import { createUpload, uploadArtifact } from './storageApi.ts';

interface ArtifactEvent {
  at: string;
  artifact: { name: string; version: number; kind: string; size: number };
}

it('artifactCreated streams each committed version with the artifact itself, filtered by name or kind', async () => {
  await using jarvis = await servedJarvis();
  const fields = 'at artifact { name version kind size }';
  await using all = await liveSubscription<{ artifactCreated: ArtifactEvent }>(
    jarvis,
    `subscription { artifactCreated { ${fields} } }`,
  );
  await using datasets = await liveSubscription<{ artifactCreated: ArtifactEvent }>(
    jarvis,
    `subscription { artifactCreated(name: "rinks", kind: DATASET) { ${fields} } }`,
  );
  const put = (text: string, name: string, kind: string) =>
    uploadArtifact(jarvis.router.fetch, Buffer.from(text), { name, kind });
  await put('north,south', 'rinks', 'DATASET');
  await put('weights', 'detector', 'MODEL');
  await put('north,south,east', 'rinks', 'DATASET');

  const seen = (await all.until(3)).map((e) => e.data!.artifactCreated.artifact);
  expect(seen).toEqual([
    { name: 'rinks', version: 1, kind: 'DATASET', size: 11 },
    { name: 'detector', version: 1, kind: 'MODEL', size: 7 },
    { name: 'rinks', version: 2, kind: 'DATASET', size: 16 },
  ]);
  expect((await datasets.until(2)).map((e) => e.data!.artifactCreated.artifact.version)).toEqual([1, 2]);
  expect(Number.isNaN(Date.parse(all.events[0]!.data!.artifactCreated.at))).toBe(false);
});

it('an upload that never completes announces nothing', async () => {
  await using jarvis = await servedJarvis();
  await using stream = await liveSubscription<{ artifactCreated: ArtifactEvent }>(
    jarvis,
    'subscription { artifactCreated { artifact { name } } }',
  );
  const bytes = Buffer.from('half');
  const created = await createUpload(jarvis.router.fetch, {
    name: 'abandoned',
    kind: 'DATASET',
    size: bytes.length,
    sha256: 'a'.repeat(64),
  });
  expect(created.errors).toBeUndefined();
  await uploadArtifact(jarvis.router.fetch, Buffer.from('whole'), { name: 'kept', kind: 'DATASET' });
  const names = (await stream.until(1)).map((e) => e.data!.artifactCreated.artifact.name);
  expect(names).toEqual(['kept']);
});
