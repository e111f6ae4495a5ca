// `npm run docs`: the API reference (TypeDoc) of every entry, in docs/api/ (not committed).
// TypeDoc needs TypeScript's JS API, which the repository's TypeScript 7 (native) does not offer,
// so TypeDoc and a TypeScript 6 run from a folder of their own in the OS temp folder, at pinned versions.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPEDOC = '0.28.20';
const TYPESCRIPT = '6.0.3';
const root = fileURLToPath(new URL('..', import.meta.url));
const tools = join(tmpdir(), `janus-keeper-typedoc-${TYPEDOC}-ts-${TYPESCRIPT}`);

if (!existsSync(join(tools, 'node_modules', 'typedoc'))) {
  mkdirSync(tools, { recursive: true });
  writeFileSync(join(tools, 'package.json'), JSON.stringify({ name: 'janus-keeper-docs-tools', private: true }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error',
    `typedoc@${TYPEDOC}`, `typescript@${TYPESCRIPT}`], { cwd: tools, stdio: 'inherit' });
}

const entries = ['src/client/index.ts', 'src/app-shell/page.ts', 'src/app-shell/service-worker.ts',
  'src/janus/index.ts', 'src/worker/index.ts'];
execFileSync(process.execPath, [join(tools, 'node_modules', 'typedoc', 'bin', 'typedoc'),
  '--tsconfig', 'tsconfig.build.json', '--out', 'docs/api', '--name', 'janus-keeper',
  '--readme', 'none', '--excludePrivate', '--excludeInternal', '--skipErrorChecking', ...entries], { cwd: root, stdio: 'inherit' });
console.log('API reference in docs/api/index.html');
