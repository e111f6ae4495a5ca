// The benchmarks page's "Targeted runs": figures of single-scenario runs, kept as prose (they come
// from runs that wrote no result file), with what each tried and kept or dropped.
export const TARGETED = `## Targeted runs

Runs of single scenarios on the shared 2-core machine, not from a full \`npm run bench\`: read them as
directions, to be confirmed by a full run on a quiet machine.

**Firefox: a killed worker.** Worker killed under two tabs (\`e2e/lifecycle.spec.ts\`, the closable
worker): Firefox ESR 153 was \`ready\` again after 3.3 s (noticed in 6 ms); now about 100-160 ms.
Firefox hands a \`new SharedWorker\` made in the first few ms after the old worker's lock came free to
the closing worker, which never answers (the 3 s re-hello deadline went by); made 20 ms later it gets
a new worker. The page now waits 25 ms before its first attempt. A shorter hello deadline instead was
tried and dropped: a worker left while it starts stays a closing one, and every later attempt of both
tabs reached it (10 s without \`ready\`, 1 run in 4). Chromium: 150-180 ms, as before plus those 25 ms.

**Firefox: the lone tab's reload, the worker dying with the page** (\`npm run bench -- --only=2 --engine
firefox\`, medians, ms, n=20/12/12; load 5.5-7.6): keeper page 237 / 407 / 833 against janus.js
217 / 439 / 921 at 0 / 20 / 75 ms one-way; janus.js with the keeper's script tag 297 / 477 / 1,150
(5 Janus requests a reload: janus.js detaches on unload and attaches again on load). Before, the
bench's keeper page read its handles before \`create()\` (a new keeper has them only after its claim)
and attached a new handle every reload: 4 requests and 205 / 451 / 968. Where the time goes at
loopback (a scratch page, marks from navigation start, medians of 10): page script 63, bundle 133,
hello answered 191 (the worker's start, ~58 ms), claimed and \`ready\` 209 (record read, socket, claim:
~16 ms), first echo 216. Next steps, not done: starting the worker before the page's bundle loads,
and opening the socket while the record is read.

**A new worker's start: the engine's share** (a scratch page making 15 \`new SharedWorker\` one after
the other, medians of the last 12, the machine loaded by a test run): an empty module SharedWorker
answers its first message 47 ms after \`new SharedWorker\` in Firefox ESR (38 ms in Chromium); the
keeper worker answers its first call (a \`hello\` it refuses) after 61 ms (75 ms). A lone tab's reload
in Firefox pays those ~47 ms before any keeper code runs, whatever the bundle's size; the keeper
bundle's fetch, parse and start add ~14 ms. A smaller worker (lazy chunks) could win part of those
14 ms, not the engine's 47.

**The hop's floor: an empty SharedWorker** (a scratch page whose SharedWorker echoes each message,
timed as row 11 times the keeper: back-to-back round trips from 1 tab, 4,000, and from 8 tabs at
once, 500 each; Chromium, the machine otherwise quiet): 1 tab p50 0.10 ms, p99 1.2 ms; 8 tabs p50
1.3 ms, p99 9.1 ms. The keeper's hop with Comlink in the full run: 0.10 / 0.60 ms and 1.10 / 8.10 ms.
Eight tabs calling at once queue on the one worker thread and the engine's message ports, so an
8-tab p50 of 0.5 ms is below what the engine itself gives here.

**The keeper's own cost** (\`npx tsx bench/index.ts --only=11\`, three runs each, and \`--only=2\`,
alternating the build before the lean \`hello\` and the one after; load average 10-19):

| what | before | after | goal |
|---|---|---|---|
| the hop (\`state()\`), 1 tab, p50 / p99 | 0.1 / 3.1, 3.3, 0.8 ms | 0.1 / 1.4, 0.6, 0.6 ms | p99 <= 1 ms |
| 8 tabs at once, p50 / p99 | 1.0-1.2 / 8.8-15.1 ms | 0.9-1.1 / 5.0-7.4 ms | p50 <= 0.3 ms |
| 50 tabs at once, p50 / p99 | 4.0-14.1 / 9.5-31.6 ms | 6.9-14.4 / 27.6-61.9 ms | |
| reload, loopback (\`--only=2\`, one run each): ours - floor; the client's share | 8.7 ms; 15.9 ms | 5.8 ms; 10.1 ms | <= 5 ms |
| the same at 20 / 75 ms one way: the client's share | 12.2 / 17.8 ms | 13.6 / 13.5 ms | |
| the demo, reload -> "ready" (service worker in control, 20 reloads each, alternating) | median 224 ms | median 220 ms | within 10 ms of a minimal page |

Per call the page arms no timer (one \`DeadlineQueue\` timer per link, re-armed at most once per
\`callTimeoutMs\`; before: one in \`KeeperClient\` and one in the link) and allocates the call, its
promise and the request the structured clone sends. With 8 or 50 tabs every call waits behind the
other tabs' calls in the one worker thread, on 2 cores that 8-50 renderers, the worker and Janus
share: p50 there is CPU scheduling (Chromium's \`performance.now()\` counts in 0.1 ms steps), and the
50-tab figures move by 3x between runs of the same build. A reload's \`hello\` is one message each way
(no Comlink proxy, its port transferred with it) and the page script is 40 % smaller; the demo
connects before anything else, and its app shell registers once the session is ready.

**Recovery over HTTP: the long-poll cannot leave with the claim.** Tried: the long-poll sent with the
claim, its events held until the session is set up. Janus 1.1.2's HTTP transport replaces the
session's event queue when a claim arrives (\`janus_http_session_claimed\`) and does not hand a
long-poll that reached it earlier over to the new queue: that poll stays parked until its 30 s idle
end, and every answer after the claim waits for it (\`test/session.test.ts\`, "reclaims the same
session after the link drops", over http: the message's answer did not come within 10 s). Which of
the two requests Janus sees first is a race between two TCP connections (fetch neither pipelines nor
multiplexes on libmicrohttpd), so the poll must follow the claim's answer: one round trip the
client cannot save.`;
