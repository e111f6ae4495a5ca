// `npm run janus`: one local Janus with the project's config, until Ctrl-C.
import { startJanus, type RunningJanus } from '../e2e/fixtures/janus-launcher.js';

export async function runLocalJanus(): Promise<RunningJanus> {
  const janus = await startJanus({
    sessionTimeout: Number(process.env.JANUS_SESSION_TIMEOUT ?? 60),
    reclaimTimeout: Number(process.env.JANUS_RECLAIM_TIMEOUT ?? 30),
  });
  const info = await janus.info();
  console.log(`Janus ${info.version_string} is running (session timeout ${info['session-timeout']} s, reclaim window ${info['reclaim-session-timeout']} s)`);
  console.log(`  WebSocket  ${janus.wsUrl}`);
  console.log(`  HTTP       ${janus.httpUrl}`);
  console.log(`  Admin API  ${janus.adminUrl}${process.argv.includes('--show-secret') ? ` (admin_secret ${janus.adminSecret})` : ' (admin secret: pass --show-secret)'}`);
  console.log('Ctrl-C stops it.');
  const stop = async () => {
    await janus.stop();
    process.exit(0);
  };
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return janus;
}

if (import.meta.url === `file://${process.argv[1]}`) await runLocalJanus();
