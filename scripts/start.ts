// `npm start`: a local Janus with the project's config, a fault proxy in front of it, and the demo
// app at http://127.0.0.1:${PORT:-8080}/. Ctrl-C or SIGTERM stops all of it.
import { startDemoServer } from './demo-server.js';

const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a TCP port number (got ${process.env.PORT})`);
  process.exit(2);
}

const demo = await startDemoServer({
  port,
  janus: {
    sessionTimeout: Number(process.env.JANUS_SESSION_TIMEOUT ?? 60),
    reclaimTimeout: Number(process.env.JANUS_RECLAIM_TIMEOUT ?? 30),
  },
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await demo.close();
  process.exit(0);
}
process.removeAllListeners('SIGINT');
process.removeAllListeners('SIGTERM');
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

const info = await demo.janus.info();
console.log(`janus-keeper demo: ${demo.url}`);
console.log(`  Janus ${info.version_string}: ${demo.janus.wsUrl} (WebSocket), ${demo.janus.httpUrl} (HTTP); the demo reaches it through a fault proxy`);
console.log(`  session timeout ${info['session-timeout']} s, reclaim window ${info['reclaim-session-timeout']} s`);
console.log('  Open it in two tabs, press "Drop network", and watch the same session id come back. Ctrl-C stops everything.');
