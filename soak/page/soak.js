// A soak tab: keeps EchoTest traffic going through the keeper as an app would (create, attach,
// re-attach after `restore`/`detached`, reload when handed over to a newer version) and keeps what
// the runner reads in `window.soak`. Session ids stay in this page: the runner aliases them.
const params = new URLSearchParams(location.search);
const ECHO = 'janus.plugin.echotest';
const HANDED_OVER = 'newer janus-keeper version';
const options = JSON.parse(params.get('options') ?? '{}');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const within = (promise, ms) => Promise.race([promise, sleep(ms).then(() => { throw new Error('no answer'); })]);
const describe = (error) => `${error?.name ?? 'Error'}${error?.code ? ` ${error.code}` : ''}: ${String(error?.message ?? error).slice(0, 160)}`;

const soak = {
  log: [],
  version: undefined,
  keeper: undefined,
  handleId: undefined,
  /** This page load (a reload is a new one). */
  load: Math.random().toString(36).slice(2),
  /** The echo call, in the tab opened with `?call=1`. */
  call: undefined,
  echo: { ok: 0, fail: 0, lastOkAt: 0, lastError: '', failingSince: undefined },
  /** Attaches of this page load that failed with an unknown outcome (timeout, link lost): Janus may hold their handles. */
  unknownAttaches: 0,
  async snapshot() {
    const keeper = soak.keeper;
    const current = keeper?.currentState;
    let handles = null;
    if (keeper) handles = await within(keeper.state(), 2_000).then((s) => s.handles.map((h) => h.handleId), () => null);
    return {
      state: current?.state ?? 'unconnected', cause: current?.cause, sessionId: current?.sessionId, mode: keeper?.mode,
      version: soak.version, handleId: soak.handleId, handles, echo: { ...soak.echo }, load: soak.load, unknownAttaches: soak.unknownAttaches,
      call: soak.call?.up ? { handleId: soak.call.handleId, bytes: await within(soak.call.bytes(), 2_000).catch(() => undefined) } : undefined,
      log: soak.log.splice(0), errors: window.soakErrors.splice(0), now: Date.now(),
    };
  },
};
window.soak = soak;
const note = (text) => {
  soak.log.push({ at: Date.now(), text });
  if (soak.log.length > 400) soak.log.splice(0, 100);
};
/** Something told this tab why its calls may fail: a new failure streak starts after it. */
const told = () => {
  soak.echo.failingSince = undefined;
};

async function start() {
  const deployed = await (await fetch('/soak/deployed.json', { cache: 'no-store' })).json();
  soak.version = deployed.version;
  const lib = await import(deployed.lib);
  let keeper;
  for (let attempt = 0; !keeper && attempt < 30; attempt++) {
    try {
      keeper = await lib.connect({ ...options, server: params.get('server'), workerUrl: deployed.workerUrl, mode: params.get('mode') ?? 'auto', name: 'soak', autoRecreate: true });
    } catch (error) {
      note(`connect failed: ${describe(error)}`);
      await sleep(1_000);
    }
  }
  if (!keeper) return note('gave up connecting');
  soak.keeper = keeper;
  let last = { state: keeper.currentState.state, sessionId: keeper.currentState.sessionId, cause: keeper.currentState.cause };
  note(`connected (${keeper.mode}, ${deployed.version}): ${last.state}`);
  keeper.on('state', (state) => {
    if (state.state !== last.state || state.sessionId !== last.sessionId) told();
    if (state.state !== last.state || state.cause !== last.cause || state.sessionId !== last.sessionId) {
      note(`state ${state.state}${state.sessionId !== last.sessionId ? ' (session changed)' : ''}${state.cause ? `: ${state.cause}` : ''}`);
    }
    last = { state: state.state, sessionId: state.sessionId, cause: state.cause };
    if (state.state === 'idle' && state.cause?.includes(HANDED_OVER)) {
      note('reloading: handed over to a newer version');
      location.reload();
    }
  });
  keeper.on('session-lost', ({ reason, code }) => {
    told();
    note(`session-lost${code ? ` ${code}` : ''}: ${reason}`);
  });
  keeper.on('missed-events', ({ handleIds }) => note(`missed-events (${handleIds.length} handles)`));
  keeper.on('events-dropped', ({ count }) => note(`events-dropped ${count}`));
  for (const type of ['detached', 'handle-moved']) {
    keeper.on(type, ({ handleId }) => {
      note(`${type} ${handleId === soak.handleId ? '(this tab\'s echo handle)' : handleId}`);
      if (handleId === soak.handleId) {
        told();
        soak.handleId = undefined;
      }
    });
  }
  keeper.onRestore(async (handle) => {
    told();
    if (handle.plugin !== ECHO) return;
    soak.handleId = undefined;
    note('restore: attaching EchoTest on the new session');
  });
  await traffic(keeper);
}

/** A call on the tab's echo handle, once per handle (after a restore, on the new one). */
async function call(keeper, handleId) {
  soak.call = { handleId, up: false, bytes: async () => 0 };
  try {
    const { startCall } = await import('/soak/page/call.js');
    soak.call = { ...await startCall(keeper, handleId), up: true };
    note('echo call up');
  } catch (error) {
    note(`echo call failed: ${describe(error)}`);
  }
}

/**
 * An attach whose answer did not come (TimeoutError) or whose link went (TransportError) has an
 * unknown outcome: Janus may have created the handle after all (a request held in a half-open path
 * arrives late), and its id reached no one. The runner counts them: such handles are not leaks of the keeper's.
 */
async function attachEcho(keeper) {
  try {
    return (await keeper.attach(ECHO)).handleId;
  } catch (error) {
    if (error?.name === 'TimeoutError' || error?.name === 'TransportError') {
      soak.unknownAttaches++;
      note('attach outcome unknown: Janus may hold a handle whose id reached no one');
    }
    throw error;
  }
}

/** One EchoTest round trip about every second, forever (the page's life bounds it). */
async function traffic(keeper) {
  for (;;) {
    await sleep(700 + Math.random() * 600);
    const state = keeper.currentState.state;
    const started = Date.now();
    try {
      if (state === 'idle' || state === 'lost') {
        if (state === 'idle' && keeper.currentState.cause?.includes(HANDED_OVER)) continue;
        await keeper.create();
        continue;
      }
      if (state !== 'ready') continue;
      if (soak.handleId === undefined) {
        const own = (await keeper.state()).handles.find((h) => h.plugin === ECHO);
        soak.handleId = own?.handleId ?? await attachEcho(keeper);
        note(own ? `found its EchoTest handle ${soak.handleId}` : `attached EchoTest ${soak.handleId}`);
      }
      if (params.get('call') === '1' && soak.call?.handleId !== soak.handleId) await call(keeper, soak.handleId);
      const answer = await keeper.message(soak.handleId, { audio: true });
      if (answer.data?.result !== 'ok') throw new Error(`EchoTest answered ${JSON.stringify(answer.data).slice(0, 100)}`);
      soak.echo.ok++;
      soak.echo.lastOkAt = Date.now();
      if (soak.echo.lastError) note('EchoTest answers again');
      soak.echo.lastError = '';
      soak.echo.failingSince = undefined;
    } catch (error) {
      soak.echo.fail++;
      const text = describe(error);
      if (text !== soak.echo.lastError) note(`call failed in state ${state}: ${text}`);
      soak.echo.lastError = text;
      if (state === 'ready' && keeper.currentState.state === 'ready') soak.echo.failingSince ??= started;
    }
  }
}

for (const type of ['freeze', 'resume']) document.addEventListener(type, () => note(`page lifecycle: ${type}`));
window.addEventListener('offline', () => note('offline event'));

start().catch((error) => note(`start failed: ${describe(error)}`));
