// A page with real WebRTC calls (Chromium's fake camera) through the keeper and janus-keeper/peer.
// The Playwright specs drive it through window.call; every time it reports is performance.now().
import * as lib from '/dist/browser/janus-keeper.js';
import { peer } from '/dist/browser/janus-keeper-peer.js';

const params = new URLSearchParams(location.search);
window.received = [];

async function media() {
  return navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
}

function newPc(stream) {
  const pc = new RTCPeerConnection();
  if (stream) for (const track of stream.getTracks()) pc.addTrack(track, stream);
  pc.ontrack = (event) => {
    const video = document.getElementById('remote');
    if (event.streams[0] && video.srcObject !== event.streams[0]) video.srcObject = event.streams[0];
  };
  return pc;
}

/** Inbound RTP bytes of a PeerConnection, audio and video together. */
async function inboundBytes(pc) {
  let bytes = 0;
  for (const report of (await pc.getStats()).values()) if (report.type === 'inbound-rtp') bytes += report.bytesReceived ?? 0;
  return bytes;
}

const ufrag = (sdp) => /a=ice-ufrag:(\S+)/.exec(sdp ?? '')?.[1];

const calls = new Map(); // handleId -> { peer, stream }
const timeOf = new Map(); // `${handleId}:${janus}` -> the last time that event came

window.call = {
  /** An echotest call; with `handleId`, on that (existing) handle. Resolves at webrtcup. */
  async echo(handleId) {
    const keeper = window.keeper;
    await keeper.create();
    const info = await keeper.attach('janus.plugin.echotest', handleId ? { handleId } : {});
    sessionStorage.setItem('call-handle', String(info.handleId));
    const stream = await media();
    const binding = peer(keeper, info.handleId, newPc(stream), {
      offerBody: { audio: true, video: true },
      renew: () => newPc(stream),
    });
    calls.set(info.handleId, { peer: binding, stream });
    const up = binding.up();
    const offeredAt = performance.now();
    await binding.start();
    await up;
    return { handleId: info.handleId, offeredAt, upAt: performance.now() };
  },

  /** Publishes the fake camera in videoroom 1234; resolves with the feed id at webrtcup. */
  async publish() {
    const keeper = window.keeper;
    await keeper.create();
    const { handleId } = await keeper.attach('janus.plugin.videoroom');
    const joined = await keeper.message(handleId, { request: 'join', ptype: 'publisher', room: 1234 });
    const stream = await media();
    const binding = peer(keeper, handleId, newPc(stream), { offerBody: { request: 'configure', audio: true, video: true } });
    calls.set(handleId, { peer: binding, stream });
    const up = binding.up();
    await binding.start();
    await up;
    return { handleId, feed: joined.data.id };
  },

  /** Subscribes to `feed` in videoroom 1234: Janus makes the offer, the page answers. */
  async subscribe(feed) {
    const keeper = window.keeper;
    const { handleId } = await keeper.attach('janus.plugin.videoroom');
    const binding = peer(keeper, handleId, newPc(undefined), {
      offerer: 'janus',
      answerBody: { request: 'start', room: 1234 },
      restartBody: { request: 'configure', restart: true },
    });
    calls.set(handleId, { peer: binding });
    const up = binding.up();
    const joined = await binding.send({ request: 'join', ptype: 'subscriber', room: 1234, streams: [{ feed }] });
    await up;
    return { handleId, offerFromJanus: joined.jsep?.type };
  },

  /** Ends a call: listeners off, PeerConnection and camera closed, handle detached. */
  async end(handleId) {
    const { peer: binding, stream } = calls.get(handleId);
    calls.delete(handleId);
    binding.close();
    binding.pc.close();
    for (const track of stream?.getTracks() ?? []) track.stop();
    await window.keeper.detach(handleId);
  },

  /** Resolves (with performance.now()) once inbound bytes grow past `after`, polling getStats every 10 ms. */
  async mediaAfter(handleId, after = 0) {
    for (;;) {
      if ((await inboundBytes(calls.get(handleId).peer.pc)) > after) return performance.now();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  },

  /**
   * An ICE restart, timed: from the new offer to media received on a candidate pair of the
   * current ICE credentials (its local candidate carries the ufrag of the local description: a
   * restart that did not connect is followed by the helper's next one, which then counts).
   */
  async timedIceRestart(handleId) {
    const pc = () => calls.get(handleId).peer.pc;
    const started = performance.now();
    await calls.get(handleId).peer.restartIce();
    const answeredAt = performance.now();
    const fresh = ufrag(pc().localDescription?.sdp);
    let counted; // { pairId, bytes }
    for (;;) {
      const stats = await pc().getStats();
      const transport = [...stats.values()].find((r) => r.type === 'transport');
      const pair = stats.get(transport?.selectedCandidatePairId);
      const current = ufrag(pc().localDescription?.sdp);
      if (pair && stats.get(pair.localCandidateId)?.usernameFragment === current) {
        if (counted?.pairId !== pair.id) counted = { pairId: pair.id, bytes: pair.bytesReceived };
        else if (pair.bytesReceived > counted.bytes) {
          return { started, answeredAt, mediaAt: performance.now(), onNewPair: true, restartsAfter: current === fresh ? 0 : 1 };
        }
      }
      if (performance.now() - started > 15_000) return { started, answeredAt, mediaAt: performance.now(), onNewPair: false };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  },

  /** Resolves once the helper has bound a PeerConnection other than the current one. */
  async renewed(handleId) {
    const first = calls.get(handleId).peer.pc;
    while (calls.get(handleId).peer.pc === first) await new Promise((resolve) => setTimeout(resolve, 10));
    return first.connectionState;
  },

  inboundBytes: (handleId) => inboundBytes(calls.get(handleId).peer.pc),
  restartIce: (handleId) => calls.get(handleId).peer.restartIce(),
  ufrags: (handleId) => {
    const pc = calls.get(handleId).peer.pc;
    return { local: ufrag(pc.localDescription?.sdp), remote: ufrag(pc.remoteDescription?.sdp) };
  },
  signalingState: (handleId) => calls.get(handleId).peer.pc.signalingState,
  iceState: (handleId) => calls.get(handleId).peer.pc.iceConnectionState,
  lastEventAt: (handleId, janus) => timeOf.get(`${handleId}:${janus}`),
  savedHandle: () => Number(sessionStorage.getItem('call-handle')) || undefined,
  now: () => performance.now(),
};

try {
  const keeper = await lib.connect({
    server: params.get('server'),
    workerUrl: '/dist/browser/keeper-worker.js',
    extendedLifetime: params.get('extended') !== 'false',
    requestTimeoutMs: 5000,
  });
  for (const type of ['state', 'event', 'events-dropped', 'missed-events', 'session-lost', 'detached']) {
    keeper.on(type, (detail) => {
      window.received.push({ type, detail, at: performance.now() });
      if (type === 'event') timeOf.set(`${detail.handleId}:${detail.janus}`, performance.now());
    });
  }
  window.keeper = keeper;
  document.body.dataset.ready = 'true';
} catch (error) {
  document.body.dataset.error = `${error.name}: ${error.message}`;
}
