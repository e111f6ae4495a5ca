// The demo page: uses janus-keeper's public client API only.
import { registerAppShell } from '../src/app-shell/page.js';
import { connect, type HandleInfo, type KeeperClient, type KeeperState } from '../src/client/index.js';
import { callBeforeReload, ECHO, startEchoCall } from './demo-call.js';

const $ = <T extends HTMLElement = HTMLElement>(testId: string) =>
  document.querySelector<T>(`[data-testid="${testId}"]`)!;

interface DemoConfig {
  ws: string;
  http: string;
}

function log(text: string): void {
  const item = document.createElement('li');
  const time = document.createElement('time');
  // By hand: the first toLocaleTimeString loads the locale's data, milliseconds on a reload's path.
  const now = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  time.textContent = `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}.${String(now.getMilliseconds()).padStart(3, '0')}`;
  item.append(time, text);
  $('event-log').prepend(item);
}

const CONFIG_KEY = 'janus-keeper-demo:config';

/**
 * The servers: this tab's copy from its last load when it has one (a reload connects at once),
 * else `/config.json`, which is fetched every load to refresh the copy.
 */
function demoConfig(): Promise<DemoConfig> {
  const fetched = fetch('/config.json').then((response) => response.json() as Promise<DemoConfig>).then((config) => {
    try {
      sessionStorage.setItem(CONFIG_KEY, JSON.stringify(config));
    } catch { /* storage blocked: the next load fetches again */ }
    return config;
  });
  let kept: DemoConfig | undefined;
  try {
    kept = JSON.parse(sessionStorage.getItem(CONFIG_KEY) ?? 'null') ?? undefined;
  } catch { /* no copy */ }
  if (!kept) return fetched;
  fetched.catch(() => {});
  return Promise.resolve(kept);
}

async function chooseServer(): Promise<{ server: string; transport: 'ws' | 'http' }> {
  const params = new URLSearchParams(location.search);
  const transport = params.get('transport') === 'http' ? 'http' : 'ws';
  const server = params.get('server');
  if (server) return { server, transport: server.startsWith('http') ? 'http' : 'ws' };
  const config = await demoConfig();
  return { server: transport === 'http' ? config.http : config.ws, transport };
}

const MODE_TEXT = { 'shared-worker': 'a SharedWorker', leader: 'this tab (leader)', follower: 'another tab (leader)' } as const;

let echoHandle: number | undefined;

function render(state: KeeperState): void {
  const pill = $('state');
  pill.textContent = state.state;
  pill.dataset['state'] = state.state;
  $('session-id').textContent = state.sessionId === undefined ? '—' : String(state.sessionId);
  $('tab-count').textContent = String(state.tabs);
  $('transport').textContent = state.transport === 'ws' ? 'WebSocket' : 'HTTP long-poll';
  const allows = state.serverAllows;
  $('server-allows').textContent = allows
    ? `a drop: ${allows.dropKeepsSession ? 'yes' : 'no'}, a lone tab's reload: ${allows.reloadKeepsSession ? 'yes' : 'no'}`
      + ` (session_timeout ${allows.sessionTimeoutS} s, reclaim_session_timeout ${allows.reclaimTimeoutS} s)${allows.note ? `: ${allows.note}` : ''}`
    : '—';
  $('server').textContent = state.server;
  $('mode').textContent = MODE_TEXT[state.mode ?? 'shared-worker'];
  $('handles').textContent = state.handles.length === 0 ? 'none'
    : state.handles.map((h: HandleInfo) => `${h.handleId} (${h.plugin.replace('janus.plugin.', '')}${h.webrtc && h.webrtc !== 'none' ? `, call ${h.webrtc}` : ''})`).join(', ');
  const echo = state.handles.find((h) => h.plugin === ECHO);
  echoHandle = echo?.handleId;
  $('handle-id').textContent = echoHandle === undefined ? '—' : String(echoHandle);
}

async function control(path: string, body: object): Promise<void> {
  const status = $('control-status');
  try {
    const response = await fetch(`/control/${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const answer = await response.json() as { message?: string; error?: string };
    status.textContent = answer.message ?? answer.error ?? '';
    log(answer.message ?? `control error: ${answer.error}`);
  } catch {
    status.textContent = 'The demo server does not answer (is `npm start` running?)';
  }
}

function wire(keeper: KeeperClient): void {
  let last = '';
  keeper.on('state', (state) => {
    render(state);
    const line = `${state.state}${state.cause ? ` (${state.cause})` : ''}`;
    if (line !== last) log(`state: ${line}`);
    last = line;
  });
  keeper.on('missed-events', ({ handleIds }) => log(`missed-events: Janus replays nothing for handles ${handleIds.join(', ')}`));
  keeper.on('session-lost', ({ reason }) => log(`session-lost: ${reason}`));
  keeper.on('detached', ({ handleId }) => log(`handle ${handleId} detached by Janus`));
  keeper.on('event', (event) => {
    if (event.janus === 'trickle') return; // many; not news
    const detail = event.janus === 'hangup' ? ` (${event.reason})` : event.janus === 'media' ? ` ${event.media} ${event.receiving ? 'on' : 'off'}` : '';
    log(`event from ${event.plugin.replace('janus.plugin.', '')} (${event.handleId}): ${event.janus}${detail}`);
  });
  keeper.on('events-dropped', ({ count }) => log(`${count} events dropped while this tab reloaded`));
  keeper.onRestore(async (handle) => {
    if (handle.plugin !== ECHO) return;
    const fresh = await keeper.attach(ECHO);
    log(`restored EchoTest on the new session: handle ${fresh.handleId}`);
    render(await keeper.state());
  });

  $<HTMLButtonElement>('echo-send').addEventListener('click', async () => {
    const result = $('echo-result');
    result.textContent = '…';
    try {
      if (echoHandle === undefined) {
        echoHandle = (await keeper.attach(ECHO)).handleId;
        log(`attached EchoTest: handle ${echoHandle}`);
        render(await keeper.state());
      }
      const started = performance.now();
      const answer = await keeper.message(echoHandle, { audio: true, video: true });
      const ms = (performance.now() - started).toFixed(1);
      result.textContent = `EchoTest answered: ${String(answer.data['result'] ?? JSON.stringify(answer.data))} (${ms} ms)`;
      log(`echotest answered "${String(answer.data['result'])}" in ${ms} ms`);
    } catch (error) {
      result.textContent = `${(error as Error).name}: ${(error as Error).message}`;
      log(`echotest failed: ${(error as Error).name}`);
    }
  });
  $<HTMLButtonElement>('call-start').addEventListener('click', () => void call(keeper));
  $<HTMLButtonElement>('drop-network').addEventListener('click', () => {
    const seconds = Number((document.getElementById('drop-seconds') as HTMLInputElement).value) || 5;
    void control('drop-network', { seconds });
  });
  $<HTMLButtonElement>('kill-janus').addEventListener('click', () => void control('restart-janus', {}));
}

/** The echo video call on this tab's echotest handle (attached first when there is none). */
async function call(keeper: KeeperClient): Promise<void> {
  const button = $<HTMLButtonElement>('call-start');
  button.disabled = true;
  try {
    if (echoHandle === undefined) {
      echoHandle = (await keeper.attach(ECHO)).handleId;
      render(await keeper.state());
    }
    const started = performance.now();
    await startEchoCall(keeper, echoHandle, {
      video: $<HTMLVideoElement>('echo-video'), bitrate: $('bitrate'), log,
    });
    log(`video call up on handle ${echoHandle} in ${(performance.now() - started).toFixed(0)} ms`);
    button.textContent = 'In a call';
  } catch (error) {
    log(`video call failed: ${(error as Error).name}: ${(error as Error).message}`);
    button.disabled = false;
  }
}

/** The offline app shell: precached page and bundles; an "update" button when a new build waits. */
async function startAppShell(): Promise<void> {
  try {
    const shell = await registerAppShell({ url: '/sw.js' });
    shell.on('installed', () => log('app shell cached: a reload now works offline'));
    shell.on('waiting', () => {
      $('update').hidden = false;
      log('a new version of the app is ready');
    });
    document.getElementById('update-now')!.addEventListener('click', () => shell.update());
    (window as unknown as { appShell: unknown }).appShell = shell;
  } catch (error) {
    log(`no offline app shell: ${(error as Error).message}`);
  }
}

async function main(): Promise<void> {
  // The keeper first: the app shell (a service worker, workbox) waits until the session is ready,
  // or until the keeper says Janus is out of reach, so nothing competes with a reload's connect.
  const { server, transport } = await chooseServer();
  // ?mode=leader tries the fallback for browsers without SharedWorker (a leader tab runs the keeper).
  const mode = new URLSearchParams(location.search).get('mode') === 'leader' ? 'leader' : 'auto';
  const connecting = connect({ server, transport, mode, workerUrl: '/build/keeper-worker.js', autoRecreate: true });
  log(`connecting to the keeper (${transport})`);
  const keeper = await connecting;
  wire(keeper);
  render(keeper.currentState); // on a reload the keeper's session is ready already: shown at once
  (window as unknown as { keeper: KeeperClient }).keeper = keeper;
  let shellStarted = false;
  const startShellOnce = () => {
    if (!shellStarted) void startAppShell();
    shellStarted = true;
  };
  await ensureSession(keeper, startShellOnce);
  render(await keeper.state());
  startShellOnce();
  const before = callBeforeReload();
  if (before !== undefined && before === echoHandle) {
    log(`this tab was in a call before the reload: calling again on handle ${before}`);
    await call(keeper);
  }
}

/** Creates or claims the session; while Janus is out of reach, waits for the keeper to get it back. */
async function ensureSession(keeper: KeeperClient, onWaiting: () => void): Promise<void> {
  for (;;) {
    try {
      const { reclaimed } = await keeper.create();
      log(reclaimed ? 'claimed the stored session' : `session ready${keeper.currentState.tabs > 1 ? ' (shared with other tabs)' : ''}`);
      return;
    } catch (error) {
      log(`waiting for Janus: ${(error as Error).name}`);
      onWaiting();
      await new Promise<void>((resolve) => {
        const off = keeper.on('state', (state) => {
          if (state.state === 'ready' || state.state === 'idle' || state.state === 'lost') {
            off();
            setTimeout(resolve, state.state === 'ready' ? 0 : 2_000);
          }
        });
      });
    }
  }
}

main().catch((error: Error) => {
  log(`could not start: ${error.name}: ${error.message}`);
  const pill = $('state');
  pill.textContent = 'error';
  pill.dataset['state'] = 'lost';
});
