// The demo's server: a local Janus, a fault proxy per transport in front of it, the static app,
// `/config.json` (the servers the page uses) and `/control/*` (fault controls; loopback only).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startFaultProxy, type FaultProxy } from '../e2e/fixtures/fault-proxy.js';
import { startJanus, type JanusLaunchOptions, type RunningJanus } from '../e2e/fixtures/janus-launcher.js';
import { serveStatic } from '../e2e/fixtures/static-server.js';

export interface DemoServer {
  readonly url: string;
  readonly janus: RunningJanus;
  readonly proxies: { ws: FaultProxy; http: FaultProxy };
  /** Cuts the path to Janus (open links reset, new ones refused) until `restoreNetwork()`. */
  dropNetwork(): void;
  restoreNetwork(): void;
  close(): Promise<void>;
}

export interface DemoServerOptions {
  port?: number;
  /** The built app folder (default: the repository's `public`). */
  appDir?: string;
  janus?: JanusLaunchOptions;
}

export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const janus = await startJanus(options.janus ?? {});
  const ws = await startFaultProxy(janus.ports.ws);
  const http = await startFaultProxy(janus.ports.http);
  let restoreTimer: ReturnType<typeof setTimeout> | undefined;

  const dropNetwork = () => {
    clearTimeout(restoreTimer);
    for (const proxy of [ws, http]) {
      proxy.setMode('refuse');
      proxy.reset();
    }
  };
  const restoreNetwork = () => {
    clearTimeout(restoreTimer);
    for (const proxy of [ws, http]) proxy.setMode('pass');
  };

  async function control(path: string, body: Record<string, unknown>): Promise<[number, object]> {
    if (path === '/control/drop-network') {
      const seconds = Number(body['seconds'] ?? 5);
      if (!Number.isFinite(seconds) || seconds < 1 || seconds > 120) return [400, { error: 'seconds must be 1 to 120' }];
      dropNetwork();
      restoreTimer = setTimeout(restoreNetwork, seconds * 1000);
      return [200, { message: `network to Janus dropped for ${seconds} s` }];
    }
    if (path === '/control/restart-janus') {
      await janus.restart();
      return [200, { message: 'Janus restarted: every session on it is gone' }];
    }
    return [404, { error: 'unknown control' }];
  }

  async function route(request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean> {
    if (path === '/config.json') return reply(response, 200, { ws: ws.via(janus.wsUrl), http: http.via(janus.httpUrl) });
    if (!path.startsWith('/control/')) return false;
    if (request.method !== 'POST') return reply(response, 405, { error: 'POST only' });
    try {
      const [status, body] = await control(path, await readJson(request));
      return reply(response, status, body);
    } catch (error) {
      return reply(response, 400, { error: (error as Error).message });
    }
  }

  const site = await serveStatic({ '/': options.appDir ?? 'public' }, options.port ?? 0, route);
  return {
    url: `${site.url}/`,
    janus,
    proxies: { ws, http },
    dropNetwork,
    restoreNetwork,
    async close() {
      clearTimeout(restoreTimer);
      await site.close();
      await Promise.all([ws.close(), http.close()]);
      await janus.stop();
    },
  };
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > 10_000) throw new Error('body too large');
  }
  const value: unknown = text ? JSON.parse(text) : {};
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function reply(response: ServerResponse, status: number, body: object): true {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  return true;
}
