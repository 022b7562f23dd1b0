import { jarvisFromFile } from '@jarvis/testkit';
import { describe, expect, it } from 'vitest';

const get = (fetch: (r: Request) => Promise<Response>, path: string, accept = 'text/html') =>
  fetch(new Request(`http://127.0.0.1:4000${path}`, { headers: { accept } }));

describe('the web console, as jarvis.yaml sets it', () => {
  it('is served at / to browsers by default; GraphiQL stays at /graphql; tools are sent to /graphql', async () => {
    await using jarvis = await jarvisFromFile('database:\n  url: pglite:memory\n');
    const page = await get(jarvis.router.fetch, '/');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>Jarvis console</title>');
    expect(html).toContain('"signIn":{"mode":"local"}');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await (await get(jarvis.router.fetch, '/graphql')).text()).toContain('Jarvis GraphiQL');
    const tool = await get(jarvis.router.fetch, '/', '*/*');
    expect(tool.status).toBe(302);
    expect(tool.headers.get('location')).toBe('http://127.0.0.1:4000/graphql');
    const module = await get(jarvis.router.fetch, '/console/app/main.ts', '*/*');
    expect(module.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // A path of the console that is not a file is a 404 in the router's words, not a 500.
    const missing = await get(jarvis.router.fetch, '/console/app/missing.ts', '*/*');
    expect(missing.status).toBe(404);
  });

  it('router.console.enabled: false gives / back to GraphiQL and serves no console file', async () => {
    await using jarvis = await jarvisFromFile(
      'database:\n  url: pglite:memory\nrouter:\n  console:\n    enabled: false\n',
    );
    expect(await (await get(jarvis.router.fetch, '/')).text()).toContain('Jarvis GraphiQL');
    expect((await get(jarvis.router.fetch, '/console/app/main.ts', '*/*')).status).toBe(404);
  });

  it('auth.mode: keys makes the console ask for an API key', async () => {
    await using jarvis = await jarvisFromFile('database:\n  url: pglite:memory\nauth:\n  mode: keys\n');
    expect(await (await get(jarvis.router.fetch, '/')).text()).toContain('"signIn":{"mode":"keys"}');
  });

  it('auth.mode: oidc without the console client: the console asks for an API key, and the log says what to set', async () => {
    await using jarvis = await jarvisFromFile(
      'database:\n  url: pglite:memory\nauth:\n  mode: oidc\n  oidc:\n    issuer: https://idp.example.com\n    audience: jarvis\n',
    );
    expect(await (await get(jarvis.router.fetch, '/')).text()).toContain('"signIn":{"mode":"keys"}');
  });

  it('auth.mode: oidc with router.console.oidc_client_id: the console signs in at the provider', async () => {
    await using jarvis = await jarvisFromFile(
      'database:\n  url: pglite:memory\nauth:\n  mode: oidc\n  oidc:\n    issuer: https://idp.example.com\n    audience: jarvis\nrouter:\n  console:\n    oidc_client_id: jarvis-console\n',
    );
    const page = await get(jarvis.router.fetch, '/');
    expect(await page.text()).toContain(
      '"signIn":{"mode":"oidc","oidc":{"issuer":"https://idp.example.com","clientId":"jarvis-console","scope":"openid profile email"}}',
    );
    expect(page.headers.get('content-security-policy')).toContain(
      "connect-src 'self' https://idp.example.com;",
    );
  });
});
