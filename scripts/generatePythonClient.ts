// The Python SDK's typed client: ariadne-codegen (from the engines' python-sdk-tools
// virtualenv, scripts/install-engines.sh) over schema/api.graphql and the operations both SDKs
// send (clients/sdk/src/operations),
// into clients/python/src/jarvis/_api, plus the manifest of the exact documents it sends, which
// the router registers as trusted. `--check` generates into a scratch folder and fails when the
// committed files differ (`npm run codegen:check`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PACKAGE = path.join(ROOT, 'clients/python');
const TARGET = path.join(PACKAGE, 'src/jarvis/_api');
const MANIFEST = path.join(PACKAGE, 'src/jarvis/persisted-documents.json');
const check = process.argv.includes('--check');

const engines = process.env.JARVIS_ENGINES ?? path.join(os.homedir(), '.cache/jarvis/engines');
const python = path.join(engines, 'python-sdk-tools/bin/python');
if (!existsSync(python))
  throw new Error(
    `${python} is missing: run \`bash scripts/install-engines.sh\` (it installs ariadne-codegen)`,
  );

/** Every document the generated client sends, exactly as sent, by sha256 (the router's manifest format). */
const MANIFEST_SCRIPT = `
import ast, hashlib, json, pathlib, sys
source = pathlib.Path(sys.argv[1], "client.py").read_text()
docs = {}
for node in ast.walk(ast.parse(source)):
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "gql":
        text = node.args[0].value
        docs[hashlib.sha256(text.encode()).hexdigest()] = text
print(json.dumps(dict(sorted(docs.items())), indent=2))
`;

function generate(into: string): { files: Map<string, string>; manifest: string } {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'jarvis-pyclient-'));
  try {
    const config = readFileSync(path.join(PACKAGE, 'pyproject.toml'), 'utf8')
      .replace(
        'schema_path = "../../schema/api.graphql"',
        `schema_path = "${path.join(ROOT, 'schema/api.graphql')}"`,
      )
      .replace(
        'queries_path = "../sdk/src/operations"',
        `queries_path = "${path.join(ROOT, 'clients/sdk/src/operations')}"`,
      )
      .replace('target_package_path = "src/jarvis"', `target_package_path = "${into}"`);
    const configFile = path.join(scratch, 'pyproject.toml');
    writeFileSync(configFile, config);
    execFileSync(python, ['-m', 'ariadne_codegen', '--config', configFile], { cwd: scratch, stdio: 'pipe' });
    const out = path.join(into, '_api');
    const files = new Map(
      readdirSync(out)
        .filter((f) => f.endsWith('.py'))
        .map((f) => [f, readFileSync(path.join(out, f), 'utf8')]),
    );
    const manifest = execFileSync(python, ['-c', MANIFEST_SCRIPT, out]).toString();
    return { files, manifest };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (check) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'jarvis-pyclient-check-'));
  try {
    const { files, manifest } = generate(scratch);
    const committed = existsSync(TARGET) ? readdirSync(TARGET).filter((f) => f.endsWith('.py')) : [];
    const stale = [
      ...[...files]
        .filter(
          ([name, text]) =>
            !existsSync(path.join(TARGET, name)) || readFileSync(path.join(TARGET, name), 'utf8') !== text,
        )
        .map(([name]) => name),
      ...committed.filter((name) => !files.has(name)),
      ...(existsSync(MANIFEST) && readFileSync(MANIFEST, 'utf8') === manifest
        ? []
        : ['persisted-documents.json']),
    ];
    if (stale.length) {
      console.error(
        `clients/python: stale generated files (${stale.join(', ')}): run \`npm run codegen\` and commit them`,
      );
      process.exit(1);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} else {
  rmSync(TARGET, { recursive: true, force: true });
  const { manifest } = generate(path.join(PACKAGE, 'src/jarvis'));
  writeFileSync(MANIFEST, manifest);
  console.log(`wrote ${path.relative(ROOT, TARGET)} and ${path.relative(ROOT, MANIFEST)}`);
}
