// Shared by both bench pages (janus-keeper's and janus.js's): the measurements that the Node side
// reads through `window.bench`. Each page supplies `echo()` (one EchoTest message, resolved when
// its event answer arrives) and `sameIds()` (are the session and handle the ones it started with).
// Session and handle ids stay in the page: they are credentials, Node only gets booleans.
const RELOAD_KEY = 'bench:reloadAt';
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function install({ echo, sameIds, call, ...pageOwn }) {
  // The page's own script starts here: what comes after is the client's work, before it, page load.
  const scriptAt = now();
  let armedAt;
  let noticedAt;
  const bench = {
    ...pageOwn,
    echo,
    sameIds,
    /** A call with real media (fake devices): attach -> offer -> answer -> webrtcup, then hang up. */
    call,
    /** `n` EchoTest round trips, one after the other: each one's ms. */
    async echoMany(n) {
      const times = [];
      for (let i = 0; i < n; i++) times.push(await echo());
      return times;
    },
    /** Retries an EchoTest message until one is answered: ms from the call. */
    async probeUntilUsable(timeoutMs) {
      const start = performance.now();
      for (;;) {
        try {
          await echo();
          return performance.now() - start;
        } catch {
          if (performance.now() - start > timeoutMs) throw new Error(`not usable within ${timeoutMs} ms`);
          await sleep(10);
        }
      }
    },
    /** Starts watching for the client to notice a broken link. */
    arm() {
      armedAt = performance.now();
      noticedAt = undefined;
    },
    /** Called by the page when its client reports the link broken. */
    notice() {
      if (armedAt !== undefined && noticedAt === undefined) noticedAt = performance.now();
    },
    /** ms from arm() until the client noticed, or undefined. */
    noticedMs() {
      return noticedAt === undefined ? undefined : noticedAt - armedAt;
    },
    /** Reloads the page; the next load times reload -> first EchoTest answer. */
    reload() {
      document.body.dataset.ready = 'reloading';
      delete bench.usableAfterReloadMs;
      delete bench.reloadParts;
      sessionStorage.setItem(RELOAD_KEY, String(now()));
      location.reload();
    },
  };
  window.bench = bench;
  return {
    /**
     * The page's client is set up: finish a pending reload measurement, then say ready. `worker`:
     * the keeper's `workerStart`; a worker started after the reload adds its start to the parts.
     */
    async started(worker) {
      const reloadAt = sessionStorage.getItem(RELOAD_KEY);
      if (reloadAt) {
        sessionStorage.removeItem(RELOAD_KEY);
        const setupAt = now();
        await echo();
        bench.reloadParts = { pageLoadMs: scriptAt - Number(reloadAt), setupMs: setupAt - scriptAt, probeMs: now() - setupAt };
        if (worker && worker.createdAt > Number(reloadAt)) {
          Object.assign(bench.reloadParts, {
            workerCreatedMs: worker.createdAt - scriptAt, workerScriptMs: worker.scriptMs, workerHelloMs: worker.firstHelloMs - worker.scriptMs,
          });
        }
        bench.usableAfterReloadMs = now() - Number(reloadAt);
      }
      document.body.dataset.ready = 'true';
    },
    failed(error) {
      document.body.dataset.error = String(error?.message ?? error);
    },
  };
}

/** The reconnection schedule of both clients: full jitter, base 250 ms, cap 2 s, floor 50 ms. */
export function retryDelay(attempt) {
  const ceiling = Math.min(2000, 250 * 2 ** Math.min(attempt, 30));
  return Math.max(50, Math.floor(Math.random() * ceiling));
}
