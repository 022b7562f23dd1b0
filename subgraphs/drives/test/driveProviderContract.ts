import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriveProvider } from '../src/index.ts';

/** The DriveProvider contract: the same behaviour from every drive, real or faked. */
export function driveProviderContract(
  name: string,
  open: () => Promise<{
    drive: DriveProvider;
    close(): Promise<void>;
    /** Who the provider says an item (by name) is shared with; only for providers that share. */
    sharedWith?(name: string): { emails: string[]; anyone: boolean };
  }>,
) {
  describe(`DriveProvider contract: ${name}`, () => {
    let drive: DriveProvider;
    let close: () => Promise<void>;
    let sharedWith: ((name: string) => { emails: string[]; anyone: boolean }) | undefined;
    beforeAll(async () => {
      ({ drive, close, sharedWith } = await open());
      await drive.check();
    });

    it('a change feed (Google changes, Graph delta) says whether anything changed since its cursor', async () => {
      if (!drive.changes) {
        // Compared by listing instead.
        expect(['LOCAL', 'WEBDAV']).toContain(drive.kind);
        return;
      }
      const first = await drive.changes(null);
      expect(first.changed).toBe(true);
      const quiet = await drive.changes(first.cursor);
      expect(quiet.changed).toBe(false);
      await write('feed/new.txt', 'new');
      const written = await drive.changes(quiet.cursor);
      expect(written.changed).toBe(true);
      expect((await drive.changes(written.cursor)).changed).toBe(false);
      await drive.remove('feed/new.txt');
      expect((await drive.changes(written.cursor)).changed).toBe(true);
    });

    it('the provider`s own search finds a file by its name', async () => {
      await write('search/quarterly scouting notes.md', 'press high');
      await write('search/other.md', 'nothing here');
      const found = await drive.search('scouting', 10);
      expect(found.map((e) => e.path)).toEqual(['search/quarterly scouting notes.md']);
      expect(found[0]).toMatchObject({ folder: false, size: 10 });
      expect(await drive.search('no-such-words-anywhere', 10)).toEqual([]);
    });

    it('shares a folder with addresses and by link, answering the link; or has no sharing at all', async () => {
      // Providers without a sharing API say so by not having `share` (createSharedFolder then refuses).
      expect(Boolean(drive.share)).toBe(Boolean(sharedWith));
      if (!drive.share || !sharedWith) return;
      await drive.mkdir('shared/results');
      const byMail = await drive.share('shared/results', {
        emails: ['coach@example.com'],
        anyoneWithLink: false,
      });
      expect(byMail.url).toMatch(/^https:\/\//);
      expect(sharedWith('results')).toEqual({ emails: ['coach@example.com'], anyone: false });
      const byLink = await drive.share('shared/results', { emails: [], anyoneWithLink: true });
      expect(byLink.url).toMatch(/^https:\/\//);
      expect(sharedWith('results')).toEqual({ emails: ['coach@example.com'], anyone: true });
      await expect(
        drive.share('shared/nothing-here', { emails: [], anyoneWithLink: true }),
      ).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
    });
    afterAll(() => close());
    const body = (s: string | Buffer) => Readable.from([Buffer.from(s)]);
    const write = (path: string, s: string) => drive.write(path, body(s), Buffer.byteLength(s));

    it('writes a file into folders it creates, reads it whole and from an offset, and states it', async () => {
      const written = await write('clips/game 1/report.md', '# Shots\nfour on target\n');
      expect(written).toMatchObject({
        path: 'clips/game 1/report.md',
        name: 'report.md',
        folder: false,
        size: 23,
        mimeType: 'text/markdown',
      });
      expect(written.version).not.toBe('');
      expect(await text(await drive.read('/clips/game 1/report.md'))).toBe('# Shots\nfour on target\n');
      expect(await text(await drive.read('clips/game 1/report.md', { start: 8 }))).toBe('four on target\n');
      expect(await drive.stat('clips//game 1/')).toMatchObject({ folder: true, name: 'game 1', size: 0 });
      expect(await drive.stat('clips/none.md')).toBeUndefined();
    });

    it('a write replaces a file whole, with a new version', async () => {
      const first = await write('versions/model.txt', 'v1');
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // a new second, for mtime-based versions
      const second = await write('versions/model.txt', 'version two');
      expect(second.version).not.toBe(first.version);
      expect(second.size).toBe(11);
      expect(await text(await drive.read('versions/model.txt'))).toBe('version two');
    });

    it('lists folders first then files by name; recursively, each folder followed by what it holds', async () => {
      await write('listing/b.txt', 'b');
      await write('listing/a.txt', 'a');
      await write('listing/z/inner.txt', 'inner');
      await drive.mkdir('listing/empty');
      const flat = await drive.list('listing');
      expect(flat.map((e) => [e.path, e.folder])).toEqual([
        ['listing/empty', true],
        ['listing/z', true],
        ['listing/a.txt', false],
        ['listing/b.txt', false],
      ]);
      expect((await drive.list('')).map((e) => e.path)).toContain('listing');
      const deep = await drive.list('/listing/', { recursive: true });
      expect(deep.map((e) => e.path)).toEqual([
        'listing/empty',
        'listing/z',
        'listing/z/inner.txt',
        'listing/a.txt',
        'listing/b.txt',
      ]);
      expect(deep.find((e) => e.path === 'listing/z/inner.txt')).toMatchObject({
        size: 5,
        mimeType: 'text/plain',
      });
    });

    it('names with spaces, accents, percent signs and emoji round trip', async () => {
      const names = ['100% done.txt', 'équipe été.csv', 'shot #3 🏒.json'];
      for (const n of names) await write(`names/${n}`, n);
      expect((await drive.list('names')).map((e) => e.name).sort()).toEqual([...names].sort());
      for (const n of names) expect(await text(await drive.read(`names/${n}`))).toBe(n);
    });

    it('mkdir is idempotent and makes parents; remove takes files and folders and ignores what is gone', async () => {
      await drive.mkdir('made/deep/er');
      await drive.mkdir('made/deep/er');
      expect(await drive.stat('made/deep')).toMatchObject({ folder: true });
      await write('made/deep/er/x.bin', 'x');
      await drive.remove('made/deep/er/x.bin');
      expect(await drive.stat('made/deep/er/x.bin')).toBeUndefined();
      await drive.remove('made');
      expect(await drive.stat('made')).toBeUndefined();
      await drive.remove('made'); // gone already: fine
      await expect(drive.remove('/')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    });

    it('a missing path is NOT_FOUND; a path climbing out or with NUL is BAD_USER_INPUT', async () => {
      await expect(drive.read('nowhere/file.txt')).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
      await expect(drive.list('nowhere')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      for (const bad of ['../etc/passwd', 'a/../../b', 'nul\u0000byte'])
        await expect(drive.read(bad)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    });

    it('a cut write or one shorter than announced leaves nothing on the drive, not even a partial file', async () => {
      await drive.mkdir('cut');
      const cut = new Readable({
        read() {
          this.push(Buffer.alloc(64 * 1024, 1));
          this.destroy(new Error('the connection dropped'));
        },
      });
      await expect(drive.write('cut/weights.bin', cut, 10 * 1024 * 1024)).rejects.toThrow();
      await expect(drive.write('cut/short.bin', body('12345'), 10)).rejects.toMatchObject({
        extensions: { code: expect.stringMatching(/BAD_USER_INPUT|BACKEND_UNAVAILABLE/) },
      });
      expect(await drive.list('cut')).toEqual([]);
      expect(await drive.stat('cut/weights.bin')).toBeUndefined();
    });

    it('two writes of one file at once leave one of them whole, never a mix', async () => {
      const a = 'a'.repeat(200_000);
      const b = 'b'.repeat(200_000);
      await Promise.all([write('race/file.txt', a), write('race/file.txt', b)]);
      expect([a, b]).toContain(await text(await drive.read('race/file.txt')));
      expect((await drive.list('race')).map((e) => e.name)).toEqual(['file.txt']);
    });
  });
}
