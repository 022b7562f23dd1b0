// `npm pack` of a client package (@jarvis/sdk, @jarvis/worker) for components outside this
// workspace. In the workspace a package exports its TypeScript sources, which Node runs as they
// are; Node does not strip types under node_modules, so what a component installs must be
// JavaScript. `prepare` (npm's prepack) compiles both clients, puts the package's JavaScript and
// declarations in dist/ and points its manifest there; `restore` (postpack) puts the manifest
// back and removes dist/. Workspace packages a client imports that are not published themselves
// (`@jarvis/workflow-protocol`) go inside its dist/ (`dist/_workspace/<name>/`), imported by
// relative path, so the tarball needs nothing from this repository.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const clients = fileURLToPath(new URL('../clients/', import.meta.url));
const dir = process.cwd();
const name = path.basename(dir);
const manifest = path.join(dir, 'package.json');
const saved = path.join(dir, 'package.json.packing');

type Exports = Record<string, string | Record<string, string>>;

const build = path.join(clients, '.build');
/** Workspace packages that ship inside the clients that import them. */
const BUNDLED = ['@jarvis/workflow-protocol'];

if (process.argv[2] === 'prepare') {
  execFileSync(
    process.execPath,
    [
      fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)),
      '-p',
      path.join(clients, 'tsconfig.build.json'),
    ],
    {
      stdio: 'inherit',
    },
  );
  const dist = path.join(dir, 'dist');
  rmSync(dist, { recursive: true, force: true });
  cpSync(path.join(build, 'clients', name, 'src'), dist, { recursive: true });
  copyJson(path.join(dir, 'src'), dist);
  const original = readFileSync(manifest, 'utf8');
  writeFileSync(saved, original);
  const pkg = JSON.parse(original) as {
    exports: Exports;
    files?: string[];
    dependencies?: Record<string, string>;
  };
  for (const dependency of Object.keys(pkg.dependencies ?? {}).filter((d) => BUNDLED.includes(d))) {
    const folder = dependency.replace(/^@jarvis\//, '');
    cpSync(path.join(build, 'packages', folder, 'src'), path.join(dist, '_workspace', folder), {
      recursive: true,
    });
    importByPath(dist, dependency, path.join(dist, '_workspace', folder, 'index.js'));
    delete pkg.dependencies![dependency];
  }
  pkg.exports = Object.fromEntries(
    Object.entries(pkg.exports).map(([key, target]) => {
      const file = String(target).replace(/^\.\/src\//, './dist/');
      return [
        key,
        file.endsWith('.ts')
          ? { types: file.replace(/\.ts$/, '.d.ts'), default: file.replace(/\.ts$/, '.js') }
          : file,
      ];
    }),
  );
  pkg.files = ['dist', 'README.md'];
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (process.argv[2] === 'restore') {
  if (existsSync(saved)) renameSync(saved, manifest);
  rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
} else {
  throw new Error('usage: node scripts/packClient.ts prepare|restore (npm runs it as prepack and postpack)');
}

/** Rewrites `from '<specifier>'` in every .js and .d.ts under `root` to a relative import of `target`. */
function importByPath(root: string, specifier: string, target: string) {
  for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!/\.(js|d\.ts)$/.test(entry)) continue;
    const file = path.join(root, entry);
    const source = readFileSync(file, 'utf8');
    let relative = path.relative(path.dirname(file), target).split(path.sep).join('/');
    if (!relative.startsWith('.')) relative = `./${relative}`;
    const rewritten = source
      .replaceAll(`'${specifier}'`, `'${relative}'`)
      .replaceAll(`"${specifier}"`, `"${relative}"`);
    if (rewritten !== source) writeFileSync(file, rewritten);
  }
}

function copyJson(from: string, to: string) {
  for (const entry of readdirSync(from)) {
    const source = path.join(from, entry);
    if (statSync(source).isDirectory()) copyJson(source, path.join(to, entry));
    else if (entry.endsWith('.json')) cpSync(source, path.join(to, entry));
  }
}
