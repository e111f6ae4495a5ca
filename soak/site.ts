// The soak's web site on loopback: the soak page, dist/ (the version under test) and newer builds of
// the same sources (upgrades), each behind a worker wrapper that captures its errors. Which version
// a loading page gets is "deployed" (an upgrade deploys the next one).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic, type StaticServer } from '../e2e/fixtures/static-server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Version {
  version: string;
  lib: string;
  workerUrl: string;
}

export interface SoakSite {
  readonly url: string;
  readonly deployed: string;
  /** Deploys the next newer build; false when none is left. */
  upgrade(): boolean;
  close(): Promise<void>;
}

export async function startSite(newerVersions: number): Promise<SoakSite> {
  if (!existsSync(join(ROOT, 'dist/browser/keeper-worker.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const folder = await mkdtemp(join(tmpdir(), 'janus-keeper-soak-'));
  try {
    const wrapper = await readFile(join(ROOT, 'soak/page/worker-wrapper.js'), 'utf8');
    const { version: current } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const versions: Version[] = [];
    for (let index = 0; index <= newerVersions; index++) {
      const out = join(folder, String(index));
      await mkdir(out, { recursive: true });
      const version = index === 0 ? current : `99.0.${index}`;
      if (index > 0) await buildVersion(out, version);
      const worker = index === 0 ? '/dist/browser/keeper-worker.js' : `/soak/v/${index}/keeper-worker.js`;
      await writeFile(join(out, 'soak-worker.js'), wrapper.replace('KEEPER_WORKER_URL', worker));
      versions.push({ version, lib: index === 0 ? '/dist/browser/janus-keeper.js' : `/soak/v/${index}/janus-keeper.js`, workerUrl: `/soak/v/${index}/soak-worker.js` });
    }
    let deployed = 0;
    const server: StaticServer = await serveStatic({ '/dist/': 'dist', '/e2e/pages/': 'e2e/pages', '/soak/page/': 'soak/page', '/soak/v/': folder }, 0,
      (_request, response, path) => {
        if (path !== '/soak/deployed.json') return false;
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(versions[deployed]));
        return true;
      });
    return {
      url: server.url,
      get deployed() {
        return versions[deployed]!.version;
      },
      upgrade() {
        if (deployed + 1 >= versions.length) return false;
        deployed++;
        return true;
      },
      async close() {
        await server.close();
        await rm(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/** The same sources as dist/browser, built as a newer version (as the upgrade e2e does). */
async function buildVersion(outdir: string, version: string): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: { 'janus-keeper': 'src/client/index.ts', 'keeper-worker': 'src/worker/host/shared-worker.ts' },
    bundle: true, format: 'esm', target: 'es2022', platform: 'browser', outdir, logLevel: 'warning', minify: true,
    define: { 'process.env.NODE_ENV': '"production"', __JANUS_KEEPER_VERSION__: JSON.stringify(version) },
  });
}
