// `npm start`: a local Janus with the project's config, a fault proxy in front of it, and the demo
// app at http://127.0.0.1:${PORT:-8080}/. Ctrl-C or SIGTERM stops all of it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startFaultProxy, type FaultProxy } from '../e2e/fixtures/fault-proxy.js';
import { startJanus } from '../e2e/fixtures/janus-launcher.js';
import { serveStatic } from '../e2e/fixtures/static-server.js';

const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a TCP port number (got ${process.env.PORT})`);

const janus = await startJanus({
  sessionTimeout: Number(process.env.JANUS_SESSION_TIMEOUT ?? 60),
  reclaimTimeout: Number(process.env.JANUS_RECLAIM_TIMEOUT ?? 30),
});
const proxies: FaultProxy[] = [await startFaultProxy(janus.ports.ws), await startFaultProxy(janus.ports.http)];
const [wsProxy, httpProxy] = proxies as [FaultProxy, FaultProxy];
let restoreTimer: ReturnType<typeof setTimeout> | undefined;

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

/** The demo's own endpoints: the servers to use, and the fault controls (loopback only). */
async function route(request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean> {
  if (path === '/config.json') return reply(response, 200, { ws: wsProxy.via(janus.wsUrl), http: httpProxy.via(janus.httpUrl) });
  if (!path.startsWith('/control/')) return false;
  if (request.method !== 'POST') return reply(response, 405, { error: 'POST only' });
  try {
    const body = await readJson(request);
    if (path === '/control/drop-network') {
      const seconds = Number(body['seconds'] ?? 5);
      if (!Number.isFinite(seconds) || seconds < 1 || seconds > 120) return reply(response, 400, { error: 'seconds must be 1 to 120' });
      clearTimeout(restoreTimer);
      for (const proxy of proxies) {
        proxy.setMode('refuse');
        proxy.reset();
      }
      restoreTimer = setTimeout(() => proxies.forEach((proxy) => proxy.setMode('pass')), seconds * 1000);
      return reply(response, 200, { message: `network to Janus dropped for ${seconds} s` });
    }
    if (path === '/control/restart-janus') {
      await janus.restart();
      return reply(response, 200, { message: 'Janus restarted: every session on it is gone' });
    }
    return reply(response, 404, { error: 'unknown control' });
  } catch (error) {
    return reply(response, 400, { error: (error as Error).message });
  }
}

const site = await serveStatic({ '/': 'public' }, port, route);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearTimeout(restoreTimer);
  await site.close();
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await janus.stop();
  process.exit(0);
}
process.removeAllListeners('SIGINT');
process.removeAllListeners('SIGTERM');
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

const info = await janus.info();
console.log(`janus-keeper demo: ${site.url}/`);
console.log(`  Janus ${info.version_string}: ${janus.wsUrl} (WebSocket), ${janus.httpUrl} (HTTP); the demo reaches it through a fault proxy`);
console.log(`  session timeout ${info['session-timeout']} s, reclaim window ${info['reclaim-session-timeout']} s`);
console.log('  Open it in two tabs, press "Drop network", and watch the same session id come back. Ctrl-C stops everything.');
