import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  ArtifactContentByNameDocument,
  ArtifactContentDocument,
  type ArtifactContentQuery,
} from '../generated/graphql.ts';
import type { JarvisClient } from '../jarvisClient.ts';
import {
  ChecksumMismatchError,
  JarvisRequestError,
  jarvisError,
  NotFoundError,
  networkError,
} from '../jarvisErrors.ts';
import type { OnProgress } from './transferProgress.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Located = NonNullable<ArtifactContentQuery['artifact']>;

/**
 * An artifact by id, `name` (its latest version), `name@<alias>` (`name@production`) or
 * `name@<version>` (`name@3`, `name@v3`).
 */
export async function locateArtifact(client: JarvisClient, ref: string): Promise<Located> {
  if (UUID.test(ref)) {
    const { artifact } = await client.request(ArtifactContentDocument, { id: ref });
    if (!artifact) throw new NotFoundError(`no artifact ${ref}`, { code: 'NOT_FOUND' });
    return artifact;
  }
  const at = ref.lastIndexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const selector = at < 0 ? undefined : ref.slice(at + 1);
  const version = selector && /^v?\d+$/.test(selector) ? Number(selector.replace(/^v/, '')) : undefined;
  const alias = selector !== undefined && version === undefined ? selector : undefined;
  const { artifactByName } = await client.request(ArtifactContentByNameDocument, { name, version, alias });
  if (!artifactByName)
    throw new NotFoundError(
      `no artifact ${ref}: check the name, and that the ${alias ? 'alias' : 'version'} exists`,
      {
        code: 'NOT_FOUND',
      },
    );
  return artifactByName;
}

/**
 * Downloads an artifact to `localPath` (a file, or an existing folder to put it in under its own
 * file name), hashing as it writes; the file appears only once its sha256 matches the
 * artifact's, so a cut-off or damaged download leaves nothing at `localPath`.
 */
export async function downloadArtifact(
  client: JarvisClient,
  ref: string,
  localPath: string,
  options: { onProgress?: OnProgress; signal?: AbortSignal } = {},
): Promise<{ artifact: Located; path: string }> {
  const artifact = await locateArtifact(client, ref);
  const isFolder =
    /[\\/]$/.test(localPath) ||
    (await stat(localPath).then(
      (s) => s.isDirectory(),
      () => false,
    ));
  const path = isFolder ? join(localPath, basename(artifact.name)) : localPath;
  await mkdir(isFolder ? localPath : dirname(path), { recursive: true });
  const response = await client.fetchRoute(artifact.contentPath, { signal: options.signal });
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => ({}))) as { error?: string; code?: string };
    throw jarvisError(
      `downloading ${artifact.name} v${artifact.version}: ${body.error ?? `HTTP ${response.status}`}`,
      {
        code: body.code ?? (response.status >= 500 ? 'BACKEND_UNAVAILABLE' : 'NOT_FOUND'),
      },
    );
  }
  const partial = `${path}.${randomBytes(4).toString('hex')}.partial`;
  const hash = createHash('sha256');
  let bytes = 0;
  options.onProgress?.({ bytes, total: artifact.size, resumed: 0, parts: 0, partsDone: 0 });
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      options.onProgress?.({ bytes, total: artifact.size, resumed: 0, parts: 0, partsDone: 0 });
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as never), meter, createWriteStream(partial), {
      signal: options.signal,
    });
    const sha256 = hash.digest('hex');
    if (sha256 !== artifact.sha256 || bytes !== artifact.size)
      throw new ChecksumMismatchError(
        `${artifact.name} v${artifact.version} arrived with sha256 ${sha256} (${bytes} bytes), expected ${artifact.sha256} (${artifact.size} bytes); nothing was kept, download it again`,
        { code: 'CHECKSUM_MISMATCH', expected: artifact.sha256, actual: sha256 },
      );
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof JarvisRequestError || options.signal?.aborted) throw error;
    throw networkError(client.url, error);
  }
  return { artifact, path };
}
