import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { JarvisConfig } from '@jarvis/config';
import { s3Client } from '@jarvis/subgraph-storage';

/** Where a backup is written and read back: a folder, or a prefix in an S3 bucket. */
export interface BackupTarget {
  describe: string;
  /** Writes a file, hashing what it writes. */
  write(name: string, body: Readable): Promise<{ size: number; sha256: string }>;
  read(name: string): Promise<Readable>;
  exists(name: string): Promise<boolean>;
}

function hasher() {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  return { stream, done: () => ({ size, sha256: hash.digest('hex') }) };
}

function folderTarget(dir: string): BackupTarget {
  const file = (name: string) => path.join(dir, ...name.split('/'));
  return {
    describe: dir,
    async write(name, body) {
      const target = file(name);
      await mkdir(path.dirname(target), { recursive: true });
      const h = hasher();
      // Written under a temporary name first: a file with its final name is always whole.
      await pipeline(body, h.stream, createWriteStream(`${target}.partial`));
      await rename(`${target}.partial`, target);
      return h.done();
    },
    async read(name) {
      await stat(file(name));
      return createReadStream(file(name));
    },
    exists: (name) =>
      stat(file(name)).then(
        () => true,
        () => false,
      ),
  };
}

function s3Target(url: URL, config: JarvisConfig): BackupTarget {
  const storage = config.services.storage;
  if (storage.type !== 's3' || !storage.endpoint) {
    throw new Error(
      `${url.href}: s3:// backups use the S3 server and credentials of services.storage, which is not of type s3 here; back up to a folder instead`,
    );
  }
  const client = s3Client({
    endpoint: storage.endpoint,
    region: storage.region,
    accessKey: storage.access_key ?? '',
    secretKey: storage.secret_key ?? '',
  });
  const bucket = url.hostname;
  const prefix = url.pathname.replace(/^\/+|\/+$/g, '');
  const key = (name: string) => (prefix ? `${prefix}/${name}` : name);
  let ready: Promise<void> | undefined;
  const ensureBucket = () =>
    (ready ??= client.bucketExists(bucket).then(async (exists) => {
      if (!exists) await client.makeBucket(bucket, storage.region);
    }));
  return {
    describe: url.href,
    async write(name, body) {
      await ensureBucket();
      const h = hasher();
      const chunks = body.pipe(h.stream)[Symbol.asyncIterator]();
      const first = await chunks.next();
      // A stream of unknown length becomes a multipart upload, which S3 refuses with no parts.
      if (first.done) {
        await client.putObject(bucket, key(name), Buffer.alloc(0), 0);
        return h.done();
      }
      const rest = Readable.from(
        (async function* () {
          yield first.value as Buffer;
          for (;;) {
            const next = await chunks.next();
            if (next.done) return;
            yield next.value as Buffer;
          }
        })(),
      );
      await client.putObject(bucket, key(name), rest);
      return h.done();
    },
    async read(name) {
      return client.getObject(bucket, key(name));
    },
    async exists(name) {
      try {
        await client.statObject(bucket, key(name));
        return true;
      } catch {
        return false;
      }
    },
  };
}

export function openBackupTarget(where: string, config: JarvisConfig): BackupTarget {
  if (where.startsWith('s3://')) return s3Target(new URL(where), config);
  return folderTarget(path.resolve(where));
}
