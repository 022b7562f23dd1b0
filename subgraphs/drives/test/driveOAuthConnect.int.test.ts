import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gql, jarvisFromFile, waitFor } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DriveProvider, googleDriveProvider, oneDriveProvider } from '../src/index.ts';
import { docxWith, pdfWith } from './documents.ts';
import { type GoogleDriveFake, startGoogleDriveFake } from './fakes/googleDriveFake.ts';
import { type MicrosoftGraphFake, startMicrosoftGraphFake } from './fakes/microsoftGraphFake.ts';

const REDIRECT = 'http://jarvis.test/drives/oauth/callback';
const CONNECT =
  'mutation($p: DriveProviderKind!, $n: String!) { connectDrive(provider: $p, name: $n) { consentUrl expiresAt } }';

/** Connecting Google Drive and OneDrive from a jarvis.yaml that names their OAuth clients, against the fakes. */
describe('connecting a drive by consent, from a jarvis.yaml', () => {
  let google: GoogleDriveFake;
  let graph: MicrosoftGraphFake;
  let jarvis: Awaited<ReturnType<typeof jarvisFromFile>>;
  const q = <T>(query: string, variables: Record<string, unknown> = {}) =>
    gql<T>(jarvis.router.fetch, query, variables);
  /** The user's browser: the consent page (the fake agrees), then back to Jarvis's callback. */
  const consent = async (consentUrl: string, tamper?: (back: URL) => void) => {
    const agreed = await fetch(consentUrl, { redirect: 'manual' });
    const back = new URL(agreed.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    tamper?.(back);
    const page = await jarvis.router.fetch(new Request(back.href));
    return { status: page.status, html: await page.text(), back };
  };

  beforeAll(async () => {
    google = await startGoogleDriveFake();
    graph = await startMicrosoftGraphFake();
    google.oauth.registerClient('jarvis-google', 'g-secret', REDIRECT);
    graph.oauth.registerClient('jarvis-ms', 'm-secret', REDIRECT);
    jarvis = await jarvisFromFile(`services:
  drives:
    oauth_redirect_url: ${REDIRECT}
    google:
      client_id: jarvis-google
      client_secret: g-secret
      auth_url: ${google.origin}
      api_url: ${google.rootUrl}
    microsoft:
      client_id: jarvis-ms
      client_secret: m-secret
      tenant: common
      auth_url: ${graph.origin}
      api_url: ${graph.baseUrl}
`);
  });
  afterAll(async () => {
    await jarvis?.[Symbol.asyncDispose]();
    await google?.stop();
    await graph?.stop();
  });

  /** A Google Drive or OneDrive connected the way a user does it: connectDrive, the consent page, back; its id. */
  const connectedByConsent = async (provider: string, name: string) => {
    const started = await q<{ connectDrive: { consentUrl: string } }>(CONNECT, { p: provider, n: name });
    expect((await consent(started.data!.connectDrive.consentUrl)).status).toBe(200);
    return (await q<{ drives: { id: string; name: string }[] }>('{ drives { id name } }')).data!.drives.find(
      (d) => d.name === name,
    )!.id;
  };

  const cases = [
    {
      provider: 'GOOGLE_DRIVE',
      fake: () => google,
      direct: (token: string): DriveProvider =>
        googleDriveProvider({ accessToken: async () => token, rootUrl: google.rootUrl }),
    },
    {
      provider: 'ONEDRIVE',
      fake: () => graph,
      direct: (token: string): DriveProvider =>
        oneDriveProvider({ accessToken: async () => token, baseUrl: graph.baseUrl }),
    },
  ] as const;

  it.each(cases)(
    '$provider: consent connects the drive, its files list, the link works once, a refusal connects nothing',
    async ({ provider, fake, direct }) => {
      const name = `Team ${provider}`;
      const started = await q<{ connectDrive: { consentUrl: string; expiresAt: string } }>(CONNECT, {
        p: provider,
        n: name,
      });
      expect(started.errors).toBeUndefined();
      const url = new URL(started.data!.connectDrive.consentUrl);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
      const done = await consent(started.data!.connectDrive.consentUrl);
      expect(done.status, done.html).toBe(200);
      expect(done.html).toContain('is connected');

      const drives = await q<{ drives: { id: string; name: string; provider: string; status: string }[] }>(
        '{ drives { id name provider status } }',
      );
      const drive = drives.data!.drives.find((d) => d.name === name)!;
      expect(drive).toMatchObject({ provider, status: 'CONNECTED' });
      await direct(fake().issueToken()).write(
        'clips/game-7.mp4',
        Readable.from([Buffer.alloc(4096, 3)]),
        4096,
      );
      const files = await q<{ drive: { files: { path: string; size: number }[] } }>(
        'query($id: ID!) { drive(id: $id) { files(folder: "clips") { path size } } }',
        { id: drive.id },
      );
      expect(files.errors).toBeUndefined();
      expect(files.data!.drive.files).toEqual([{ path: 'clips/game-7.mp4', size: 4096 }]);

      // The same link again: it worked once.
      const replay = await jarvis.router.fetch(new Request(done.back.href));
      expect(replay.status).toBe(400);
      expect(await replay.text()).toContain('already used');
      // A user who says no: nothing is connected, and the link is spent.
      const second = await q<{ connectDrive: { consentUrl: string } }>(CONNECT, {
        p: provider,
        n: `${name} 2`,
      });
      const refused = await consent(second.data!.connectDrive.consentUrl, (back) => {
        back.searchParams.delete('code');
        back.searchParams.set('error', 'access_denied');
      });
      expect(refused.status).toBe(400);
      expect(refused.html).toContain('access_denied');
      expect(
        (await q<{ drives: { name: string }[] }>('{ drives { name } }')).data!.drives.map((d) => d.name),
      ).not.toContain(`${name} 2`);
      // A forged state opens nothing.
      const forged = await jarvis.router.fetch(new Request(`${REDIRECT}?state=forged&code=x`));
      expect(forged.status).toBe(400);
      // Its name is taken now; WebDAV and local folders have their own mutations.
      expect((await q(CONNECT, { p: provider, n: name })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect((await q(CONNECT, { p: 'WEBDAV', n: 'x' })).errors?.[0]?.extensions?.code).toBe(
        'BAD_USER_INPUT',
      );
    },
  );

  it.each(cases)(
    '$provider: tokens are refreshed as they near expiry; a revoked grant marks the drive NEEDS_RECONNECT',
    async ({ provider, fake }) => {
      fake().oauth.setExpiresIn(60); // inside five minutes: every use refreshes first
      const name = `Refreshing ${provider}`;
      const id = await connectedByConsent(provider, name);
      const before = fake().oauth.refreshes();
      const listed = await q('query($id: ID!) { drive(id: $id) { files { path } } }', { id });
      expect(listed.errors).toBeUndefined();
      expect(fake().oauth.refreshes()).toBeGreaterThan(before);

      fake().oauth.revokeAll();
      const revoked = await q('query($id: ID!) { drive(id: $id) { files { path } } }', { id });
      expect(revoked.errors?.[0]?.extensions).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason: 'DRIVE_NEEDS_RECONNECT',
      });
      const status = await q<{ drive: { status: string } }>('query($id: ID!) { drive(id: $id) { status } }', {
        id,
      });
      expect(status.data!.drive.status).toBe('NEEDS_RECONNECT');
      fake().oauth.setExpiresIn(3599);
    },
  );

  /** A transfer once it ended. */
  const ended = async (id: string) => {
    let transfer: {
      status: string;
      files: { path: string; outcome: string; artifact: { id: string } | null }[];
    };
    await waitFor(
      `transfer ${id} to end`,
      async () => {
        transfer = (
          await q<{ driveTransfer: typeof transfer }>(
            'query($id: ID!) { driveTransfer(id: $id) { status files { path outcome artifact { id } } } }',
            { id },
          )
        ).data!.driveTransfer;
        return !['PENDING', 'RUNNING'].includes(transfer.status);
      },
      { timeoutMs: 60_000 },
    );
    return transfer!;
  };

  it.each(cases)(
    '$provider: a folder imports into artifacts, results export to a folder shared by link and with a coach',
    async ({ provider, fake, direct }) => {
      const name = `Media ${provider}`;
      const id = await connectedByConsent(provider, name);
      const user = direct(fake().issueToken());
      const clip = Buffer.alloc(1_500_000, 9);
      await user.write('matches/m1/clip.mp4', Readable.from([clip]), clip.length);
      await user.write('matches/m1/notes.txt', Readable.from([Buffer.from('tempo high')]), 10);

      const imported = await ended(
        (
          await q<{ importFromDrive: { id: string } }>(
            'mutation($d: ID!) { importFromDrive(driveId: $d, paths: ["matches"]) { id } }',
            { d: id },
          )
        ).data!.importFromDrive.id,
      );
      expect(imported.status).toBe('SUCCEEDED');
      expect(imported.files.map((f) => f.path).sort()).toEqual([
        'matches/m1/clip.mp4',
        'matches/m1/notes.txt',
      ]);

      const exported = await ended(
        (
          await q<{ exportToDrive: { id: string } }>(
            'mutation($a: [ID!]!, $d: ID!) { exportToDrive(artifactIds: $a, driveId: $d, folder: "results/week-1") { id } }',
            { a: imported.files.map((f) => f.artifact!.id), d: id },
          )
        ).data!.exportToDrive.id,
      );
      expect(exported.status).toBe('SUCCEEDED');
      expect((await user.list('results/week-1')).map((e) => [e.name, e.size])).toEqual([
        ['clip.mp4', clip.length],
        ['notes.txt', 10],
      ]);

      const shared = await q<{
        createSharedFolder: {
          url: string;
          folder: { path: string };
          sharedWith: string[];
          anyoneWithLink: boolean;
        };
      }>(
        'mutation($d: ID!) { createSharedFolder(driveId: $d, name: "results/week-1", shareWith: ["Coach@Example.com"], anyoneWithLink: true) { url folder { path } sharedWith anyoneWithLink } }',
        { d: id },
      );
      expect(shared.errors).toBeUndefined();
      expect(shared.data!.createSharedFolder).toMatchObject({
        url: expect.stringMatching(/^https:\/\//),
        folder: { path: 'results/week-1' },
        sharedWith: ['coach@example.com'],
        anyoneWithLink: true,
      });
      expect(JSON.stringify(fake().permissionsOf('week-1'))).toContain('coach@example.com');
      const noOne = await q('mutation($d: ID!) { createSharedFolder(driveId: $d, name: "x") { url } }', {
        d: id,
      });
      expect(noOne.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const badMail = await q(
        'mutation($d: ID!) { createSharedFolder(driveId: $d, name: "x", shareWith: ["not an address"]) { url } }',
        { d: id },
      );
      expect(badMail.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    },
  );

  it('GOOGLE_DRIVE: Google Docs come in exported (DOCX by default, PDF when asked), searchable; a Form says it cannot', async () => {
    const id = await connectedByConsent('GOOGLE_DRIVE', 'Docs');
    const docx = docxWith(['Zone press in the third period']);
    const pdf = pdfWith('Zone press in the third period');
    google.addNativeDocument('Game plan', 'application/vnd.google-apps.document', {
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document': docx,
      'application/pdf': pdf,
    });
    google.addNativeDocument('Sign-up', 'application/vnd.google-apps.form', {});
    const run = async (variables: Record<string, unknown>) =>
      ended(
        (
          await q<{ importFromDrive: { id: string } }>(
            'mutation($d: ID!, $p: [String!]!, $as: GoogleDocsFormat) { importFromDrive(driveId: $d, paths: $p, googleDocsAs: $as, prefix: "plans") { id } }',
            { d: id, ...variables },
          )
        ).data!.importFromDrive.id,
      );
    const asDocx = await run({ p: ['Game plan'] });
    expect(asDocx.status).toBe('SUCCEEDED');
    const artifact = await q<{ artifactByName: { size: number; contentType: string; kind: string } }>(
      '{ artifactByName(name: "plans/Game_plan.docx") { size contentType kind } }',
    );
    expect(artifact.data!.artifactByName).toEqual({
      size: docx.length,
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      kind: 'REPORT',
    });
    expect((await run({ p: ['Game plan'], as: 'PDF' })).status).toBe('SUCCEEDED');
    const asPdf = await q<{ artifactByName: { size: number } }>(
      '{ artifactByName(name: "plans/Game_plan.pdf") { size } }',
    );
    expect(asPdf.data!.artifactByName.size).toBe(pdf.length);
    const found = await q<{ searchDriveFiles: { file: { path: string; name: string } }[] }>(
      '{ searchDriveFiles(query: "third period") { file { path name } } }',
    );
    // One drive file, imported last as the PDF: found once, by the words inside it.
    expect(found.data!.searchDriveFiles.map((h) => h.file)).toEqual([
      { path: 'Game plan', name: 'Game plan.pdf' },
    ]);
    const form = await run({ p: ['Sign-up'] });
    expect(form.status).toBe('FAILED');
  });

  it.each(cases)(
    '$provider: a sync job follows the change feed: a quiet drive is not listed again, a change is brought in',
    async ({ provider, fake, direct }) => {
      const name = `Synced ${provider}`;
      const id = await connectedByConsent(provider, name);
      const user = direct(fake().issueToken());
      await user.write('season/roster.txt', Readable.from([Buffer.from('ann, bo')]), 7);
      const job = await q<{ createSyncJob: { id: string } }>(
        `mutation($d: ID!, $p: String!) { createSyncJob(driveId: $d, folder: "season", prefix: $p, direction: BOTH) { id } }`,
        { d: id, p: `synced/${provider.toLowerCase()}` },
      );
      expect(job.errors).toBeUndefined();
      const jobId = job.data!.createSyncJob.id;
      const run = async () => {
        const { runSyncJob } = (
          await q<{ runSyncJob: { id: string } }>('mutation($id: ID!) { runSyncJob(id: $id) { id } }', {
            id: jobId,
          })
        ).data!;
        return ended(runSyncJob.id);
      };
      const first = await run();
      expect(first.status).toBe('SUCCEEDED');
      expect(first.files.map((f) => [f.path, f.outcome])).toEqual([['season/roster.txt', 'MOVED']]);
      const listings = () =>
        'listCalls' in fake()
          ? (fake() as GoogleDriveFake).listCalls()
          : (fake() as MicrosoftGraphFake).childrenCalls();
      const before = listings();
      const quiet = await run();
      expect(quiet).toMatchObject({ status: 'SUCCEEDED', files: [] });
      expect(listings()).toBe(before);
      await user.write('season/roster.txt', Readable.from([Buffer.from('ann, bo, cy')]), 11);
      const changed = await run();
      expect(changed.files.map((f) => [f.path, f.outcome])).toEqual([['season/roster.txt', 'MOVED']]);
      expect(listings()).toBeGreaterThan(before);
      const stored = await q<{ artifactByName: { version: number; size: number } }>(
        'query($n: String!) { artifactByName(name: $n) { version size } }',
        { n: `synced/${provider.toLowerCase()}/roster.txt` },
      );
      expect(stored.data!.artifactByName).toEqual({ version: 2, size: 11 });
    },
  );

  it.each(cases)(
    '$provider: an export to a full drive fails with LIMIT_EXCEEDED (DRIVE_QUOTA) and leaves no file',
    async ({ provider, fake, direct }) => {
      const name = `Full ${provider}`;
      const id = await connectedByConsent(provider, name);
      const report = Buffer.from('# quota report');
      const stored = await q<{ storeSmallArtifact: { id: string } }>(
        'mutation($i: CreateArtifactUploadInput!, $c: String!) { storeSmallArtifact(input: $i, contentBase64: $c) { id } }',
        {
          i: {
            name: `quota/${provider.toLowerCase()}.md`,
            kind: 'REPORT',
            size: report.length,
            sha256: createHash('sha256').update(report).digest('hex'),
          },
          c: report.toString('base64'),
        },
      );
      fake().setQuotaExceeded(true);
      try {
        const exported = await q<{ exportToDrive: { id: string } }>(
          'mutation($a: [ID!]!, $d: ID!) { exportToDrive(artifactIds: $a, driveId: $d, folder: "out") { id } }',
          { a: [stored.data!.storeSmallArtifact.id], d: id },
        );
        const done = await q<{
          driveTransfer: { status: string; files: { errorCode: string; error: string }[] };
        }>('query($id: ID!) { driveTransfer(id: $id) { status files { errorCode error } } }', {
          id: (await ended(exported.data!.exportToDrive.id)) && exported.data!.exportToDrive.id,
        });
        expect(done.data!.driveTransfer.status).toBe('FAILED');
        expect(done.data!.driveTransfer.files).toEqual([
          { errorCode: 'LIMIT_EXCEEDED', error: expect.stringContaining('out of space') },
        ]);
        expect((await direct(fake().issueToken()).list('out')).map((e) => e.name)).toEqual([]);
      } finally {
        fake().setQuotaExceeded(false);
      }
    },
  );

  it('a Jarvis without an OAuth client for a provider says who sets one up', async () => {
    await using bare = await jarvisFromFile('');
    const refused = await gql(bare.router.fetch, CONNECT, { p: 'GOOGLE_DRIVE', n: 'Mine' });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'provider' });
    expect(refused.errors?.[0]?.message).toContain('services.drives.google.client_id');
  });
});
