import type { IdentityService } from '@jarvis/subgraph-identity';
import { freePort, gql, type OidcProvider, servedJarvis, startOidcProvider } from '@jarvis/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ConsoleBrowser, openConsole } from './consolePage.ts';

// With identity on, the console signs people in at the OIDC provider (authorization code with
// PKCE, a public client) and shows what their role and project allow, no more.
let provider: OidcProvider;
let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
let waitingRun: string;
let foreignRun: string;

beforeAll(async () => {
  const port = await freePort();
  provider = await startOidcProvider(
    {
      viv: { name: 'Viv', email: 'viv@example.com', groups: ['viewers'] },
      eddie: { name: 'Eddie', email: 'eddie@example.com', groups: ['editors'] },
    },
    'jarvis',
    { publicClients: [{ id: 'jarvis-console', redirect: `http://127.0.0.1:${port}/` }] },
  );
  jarvis = await servedJarvis(
    {
      auth: {
        mode: 'oidc',
        oidc: {
          issuer: provider.issuer,
          audience: provider.audience,
          roles: [
            { group: 'viewers', project: 'default', role: 'viewer' },
            { group: 'editors', project: 'default', role: 'editor' },
            { group: 'platform', role: 'owner' },
          ],
        },
      },
      router: {
        console: {
          oidc_client_id: 'jarvis-console',
          oidc_scope: 'openid email profile groups api',
          oidc_resource: provider.resource,
        },
      },
    },
    { port },
  );
  const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
  const owner = { secret: await provider.forge({ sub: 'root', groups: ['platform'] }) };
  // The owner acts in `default` for the pipeline (a platform owner's project is otherwise the one it made last).
  const as = (secret: string) => ({ authorization: `Bearer ${secret}`, 'x-jarvis-project': 'default' });
  await gql(jarvis.url, 'mutation { createProject(input: { id: "other" }) { id } }', {}, as(owner.secret));
  await gql(
    jarvis.url,
    'mutation { registerWorkflow(definition: { name: "approval", steps: [{ id: "approve", kind: SIGNAL, signal: "go" }] }) { name } }',
    {},
    as(owner.secret),
  );
  const started = await gql<{ startWorkflow: { id: string } }>(
    jarvis.url,
    'mutation { startWorkflow(workflow: "approval") { id } }',
    {},
    as(owner.secret),
  );
  waitingRun = started.data!.startWorkflow.id;
  const other = await identity.issueKey({ projectId: 'other', name: 'other-team', role: 'editor' });
  const experiment = await gql<{ createExperiment: { id: string } }>(
    jarvis.url,
    'mutation { createExperiment(name: "their-secret") { id } }',
    {},
    { authorization: `Bearer ${other.secret}` },
  );
  const run = await gql<{ createRun: { id: string } }>(
    jarvis.url,
    'mutation ($e: ID!) { createRun(input: { experimentId: $e, name: "theirs" }) { id } }',
    { e: experiment.data!.createExperiment.id },
    { authorization: `Bearer ${other.secret}` },
  );
  foreignRun = run.data!.createRun.id;
}, 120_000);

afterAll(async () => {
  await jarvis?.[Symbol.asyncDispose]();
  await provider?.stop();
});

/** The whole sign-in as a person does it: the console's button, the provider's form, back. */
async function signIn(user: string): Promise<ConsoleBrowser> {
  const browser = await openConsole(jarvis.url, [provider.issuer]);
  const { page } = browser;
  await page.goto(`${jarvis.url}/#/workflows/runs/${waitingRun}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('User').fill(user);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Back on the console, at the view asked for before signing in.
  await page
    .locator('header.top .who')
    .filter({ hasText: user === 'viv' ? 'Viv' : 'Eddie' })
    .waitFor();
  expect(new URL(page.url()).search).toBe('');
  expect(page.url()).toContain(`#/workflows/runs/${waitingRun}`);
  return browser;
}

it('a viewer signs in through the provider and sees no cancel button', async () => {
  await using browser = await signIn('viv');
  const { page } = browser;
  expect(await page.locator('header.top .who').innerText()).toContain('viewer');
  await page.locator('svg.graph [data-step="approve"][data-status="WAITING"]').waitFor();
  expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
  expect(await page.getByRole('button', { name: /Send/ }).count()).toBe(0);
  await browser.screenshot('viewer-workflow-run');
  // Only the provider was reached besides Jarvis: nothing from a CDN.
  expect(browser.offsite).toEqual([]);
}, 120_000);

it("a foreign project's run URL shows not found", async () => {
  await using browser = await signIn('viv');
  const { page } = browser;
  await page.goto(`${jarvis.url}/#/runs/${foreignRun}`);
  await page.getByRole('heading', { name: 'Run not found' }).waitFor();
  expect(await page.locator('main').innerText()).not.toContain('theirs');
}, 120_000);

it('an editor, signed in the same way, is offered cancel and the signal', async () => {
  await using browser = await signIn('eddie');
  const { page } = browser;
  await page.getByRole('button', { name: 'Cancel run' }).waitFor();
  await page.getByRole('button', { name: 'Send “go”' }).click();
  await page.locator('svg.graph [data-step="approve"][data-status="COMPLETED"]').waitFor();
  await expect.poll(() => page.locator('h1 .badge').innerText()).toBe('completed');
}, 120_000);
