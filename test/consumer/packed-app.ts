// A fresh app outside the repository, with janus-keeper installed from `npm pack` as a user
// installs it from the registry: what the consumer test and the README check compile against.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

export interface PackedApp {
  readonly dir: string;
  readonly tarball: string;
  remove(): void;
}

/** Packs the built repository (run `npm run build` first) and installs the tarball into a new app. */
export async function packedApp(): Promise<PackedApp> {
  const root = mkdtempSync(join(tmpdir(), 'janus-keeper-consumer-'));
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', root, '--silent'], { cwd: REPO });
  const tarball = join(root, readdirSync(root).find((name) => name.endsWith('.tgz'))!);
  const dir = join(root, 'app');
  cpSync(join(REPO, 'test', 'consumer-app'), dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }));
  // The registry is reachable; the cache answers most of it. ws is what README's Node example uses.
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error',
    tarball, 'ws@8', '@types/ws@8', '@types/node@20'], { cwd: dir });
  return { dir, tarball, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export type Resolution = 'bundler' | 'node16' | 'nodenext';
export type Lib = 'dom' | 'webworker' | 'node' | 'dom+node';

/** Type-checks `files` strictly (skipLibCheck false); resolves with tsc's output, rejects on errors. */
export async function typecheck(app: PackedApp, name: string, files: string[], resolution: Resolution, lib: Lib): Promise<void> {
  const module = resolution === 'bundler' ? 'esnext' : resolution;
  const config = {
    compilerOptions: {
      target: 'es2022', module, moduleResolution: resolution, strict: true, skipLibCheck: false,
      noEmit: true, noUncheckedIndexedAccess: true,
      lib: lib.startsWith('dom') ? ['es2022', 'dom', 'dom.iterable'] : lib === 'webworker' ? ['es2022', 'webworker'] : ['es2022'],
      types: lib.endsWith('node') ? ['node'] : [],
    },
    files,
  };
  const project = join(app.dir, `tsconfig.${name}.json`);
  writeFileSync(project, JSON.stringify(config, null, 2));
  try {
    await run(process.execPath, [TSC, '-p', project], { cwd: app.dir });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc ${name} (${resolution}, lib ${lib}) failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}
