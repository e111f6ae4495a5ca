// `npm run docs`: one static site in docs-site/ (not committed): README as its front page, the guides
// of docs/*.md as pages of their own, and the API reference of every entry, with TypeDoc's
// navigation and search over all of it. Fails on any TypeDoc warning: an undocumented export of an
// entry, a link that does not resolve, a type used but not exported.
// TypeDoc needs TypeScript's JS API, which the repository's TypeScript 7 (native) does not offer,
// so TypeDoc and a TypeScript 6 run from a folder of their own in the OS temp folder, at pinned versions.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPEDOC = '0.28.20';
const TYPESCRIPT = '6.0.3';
const root = fileURLToPath(new URL('..', import.meta.url));
const tools = join(tmpdir(), `janus-keeper-typedoc-${TYPEDOC}-ts-${TYPESCRIPT}`);
export const SITE = 'docs-site';

if (!existsSync(join(tools, 'node_modules', 'typedoc'))) {
  mkdirSync(tools, { recursive: true });
  writeFileSync(join(tools, 'package.json'), JSON.stringify({ name: 'janus-keeper-docs-tools', private: true }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error',
    `typedoc@${TYPEDOC}`, `typescript@${TYPESCRIPT}`], { cwd: tools, stdio: 'inherit' });
}

// The entries of package.json's exports that have types, each named as an app imports it.
const entries = ['src/client/index.ts', 'src/worker/index.ts', 'src/janus/index.ts', 'src/peer/index.ts',
  'src/janusjs/index.ts', 'src/app-shell/page.ts', 'src/app-shell/service-worker.ts'];
// Every guide in docs/, in reading order; one not named here comes after them (so none is left out).
const order = ['adding-to-your-app', 'janusjs-apps', 'webrtc', 'lifecycle', 'leader-tab', 'app-shell',
  'session-layer', 'reconnection', 'several-servers', 'janus-server', 'deploy-nginx', 'security', 'troubleshooting',
  'benchmarks', 'test-matrix', 'development'];
const present = readdirSync(join(root, 'docs')).filter((file) => file.endsWith('.md')).map((file) => file.slice(0, -3));
const guides = [...order.filter((name) => present.includes(name)), ...present.filter((name) => !order.includes(name)).sort()]
  .map((name) => `docs/${name}.md`);

const notExported = ['HandleEventBase', 'PageKeeperOptions', 'EventOf', 'TransportChoice',
  'UnseenTabWatch', 'DoomedHandle', 'ErrorClass', 'EventPort', 'HandleOwner', 'TransportEvents',
  'OwnerRelayLookup', 'TabRegistryOptions', 'HttpCallOptions'];

execFileSync(process.execPath, [join(tools, 'node_modules', 'typedoc', 'bin', 'typedoc'),
  '--tsconfig', 'tsconfig.build.json', '--out', SITE, '--name', 'janus-keeper',
  '--readme', 'README.md', ...guides.flatMap((guide) => ['--projectDocuments', guide]),
  // The languages of the guides' code blocks (TypeDoc's own list, and nginx for the proxy's config).
  ...['typescript', 'javascript', 'tsx', 'jsx', 'json', 'bash', 'sh', 'html', 'css', 'nginx'].flatMap((language) => ['--highlightLanguages', language]),
  '--excludePrivate', '--excludeInternal', '--skipErrorChecking', '--disableSources',
  '--validation.notExported', '--validation.invalidLink', '--validation.invalidPath', '--validation.notDocumented',
  // Every exported class, interface, type and constant of an entry has a doc comment. (TypeDoc cannot
  // require top-level functions without requiring every method too: functions are documented by review.)
  ...['Class', 'Interface', 'TypeAlias', 'Variable', 'Enum'].flatMap((kind) => ['--requiredToBeDocumented', kind]),
  // Internal types the public API names: not exported on purpose (their shape is in the referencing docs).
  ...notExported.flatMap((name) => ['--intentionallyNotExported', name]),
  '--treatWarningsAsErrors', '--treatValidationWarningsAsErrors', ...entries], { cwd: root, stdio: 'inherit' });
console.log(`docs site (guides + API reference) in ${SITE}/index.html`);
