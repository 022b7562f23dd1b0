import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { consoleSite } from '../src/consoleSite.ts';

const site = consoleSite({ mode: 'local' });
const text = async (pathname: string) => {
  const response = await site.serve(pathname);
  if (!response) throw new Error(`${pathname} is not served`);
  return { response, body: await response.text() };
};

/** The syntax errors a browser would meet in a served module (TypeScript's parser, as JavaScript). */
function syntaxErrors(source: string): string[] {
  const file = ts.createSourceFile('module.js', source, ts.ScriptTarget.ESNext, false, ts.ScriptKind.JS);
  const diagnostics = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the console site', () => {
  it('serves every module of the app and the typed documents as JavaScript a browser parses', async () => {
    const root = path.join(import.meta.dirname, '../src');
    const modules = readdirSync(path.join(root, 'app'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `/console/app/${f.split(path.sep).join('/')}`);
    expect(modules.length).toBeGreaterThan(15);
    for (const module of [...modules, '/console/generated/graphql.ts']) {
      const { response, body } = await text(module);
      expect(response.headers.get('content-type'), module).toBe('text/javascript; charset=utf-8');
      expect(syntaxErrors(body), module).toEqual([]);
      // Types are gone: TypeScript-only syntax would be a syntax error above; imports of types vanish.
      expect(body, module).not.toMatch(/^\s*import type /m);
    }
  });

  it('serves the page with a policy that allows its two inline scripts by hash and nothing from elsewhere', async () => {
    const { response, body } = await text('/');
    const policy = response.headers.get('content-security-policy')!;
    const inline = [...body.matchAll(/<script(?: type="importmap")?>([\s\S]*?)<\/script>/g)].map(
      (m) => m[1]!,
    );
    expect(inline).toHaveLength(2);
    for (const script of inline)
      expect(policy).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(body).toContain('"signIn":{"mode":"local"}');
  });

  it('preloads every module it names from files it serves, and maps each library to one', async () => {
    const { body } = await text('/');
    const preloads = [...body.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]!);
    expect(preloads).toContain('/console/app/main.ts');
    expect(preloads).toContain('/console/generated/graphql.ts');
    expect(preloads).not.toContain('/console/generated/gql.ts');
    for (const href of preloads) expect(await site.serve(href), href).toBeDefined();
    const { imports } = JSON.parse(/<script type="importmap">(.*?)<\/script>/.exec(body)![1]!) as {
      imports: Record<string, string>;
    };
    expect(Object.keys(imports).sort()).toEqual(['htm', 'htm/preact', 'preact', 'preact/hooks', 'uplot']);
    for (const href of Object.values(imports)) expect(preloads).toContain(href);
  });

  it('lets the page reach the OIDC provider for the token, and only it', async () => {
    const oidc = consoleSite({
      mode: 'oidc',
      oidc: { issuer: 'https://login.example.com/realms/ml', clientId: 'console', scope: 'openid' },
    });
    const response = (await oidc.serve('/'))!;
    expect(response.headers.get('content-security-policy')).toContain(
      "connect-src 'self' https://login.example.com;",
    );
  });

  it('serves the libraries from node_modules under fixed names', async () => {
    for (const name of ['preact.js', 'preact-hooks.js', 'htm.js', 'htm-preact.js', 'uplot.js']) {
      const { body } = await text(`/console/vendor/${name}`);
      expect(syntaxErrors(body), name).toEqual([]);
    }
    expect((await text('/console/vendor/uplot.css')).response.headers.get('content-type')).toContain(
      'text/css',
    );
  });

  it('sends files compressed to browsers that take it: brotli first, else gzip, the same bytes once unpacked', async () => {
    const plain = await (await site.serve('/console/vendor/uplot.js'))!.text();
    const br = (await site.serve('/console/vendor/uplot.js', 'gzip, deflate, br, zstd'))!;
    expect(br.headers.get('content-encoding')).toBe('br');
    const packed = Buffer.from(await br.arrayBuffer());
    expect(brotliDecompressSync(packed).toString()).toBe(plain);
    // What the console's benchmark reports as transferred bytes: uPlot is far smaller on the wire.
    expect(packed.length).toBeLessThan(plain.length / 2);
    const gzip = (await site.serve('/console/app/main.ts', 'gzip'))!;
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gzip.arrayBuffer())).toString()).toBe(
      await (await site.serve('/console/app/main.ts'))!.text(),
    );
    expect(gzip.headers.get('vary')).toBe('accept-encoding');
  });

  it('serves nothing else of the project: other folders, other extensions, climbing out, unknown names', async () => {
    for (const pathname of [
      '/console/consoleSite.ts',
      '/console/app/../consoleSite.ts',
      '/console/app/..%2fconsoleSite.ts',
      '/console/generated/persisted-documents.json',
      '/console/vendor/../../package.json',
      '/console/vendor/react.js',
      '/console/app/nothing-here.ts',
      '/console/app/.hidden.ts',
      '/console/app/views/',
      '/console/app/views.ts',
      `/console/app/${'a'.repeat(300)}.ts`,
      '/console/app/main.ts/x.ts',
      '/console/',
      '/graphql',
    ])
      expect(await site.serve(pathname), pathname).toBeUndefined();
  });

  it('a JSON setting cannot close the inline script it is written into', async () => {
    const hostile = consoleSite({
      mode: 'oidc',
      oidc: {
        issuer: 'https://idp.example.com',
        clientId: '</script><script>alert(1)</script>',
        scope: 'openid',
      },
    });
    const body = await (await hostile.serve('/'))!.text();
    expect(body).not.toContain('</script><script>alert(1)');
    expect(body.match(/<script/g)).toHaveLength(3);
  });
});
