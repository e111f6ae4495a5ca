// The demo's video call: the camera echoed back by Janus's echotest, through janus-keeper/peer.
// The PeerConnection lives in this page; the keeper carries only its signaling.
import type { KeeperClient } from '../src/client/index.js';
import { peer, type Peer } from '../src/peer/index.js';

const ECHO = 'janus.plugin.echotest';
const CALL_KEY = 'janus-keeper-demo:call';

export interface DemoCallView {
  video: HTMLVideoElement;
  bitrate: HTMLElement;
  log(text: string): void;
}

/**
 * Starts the echo call on `handleId` (the tab's echotest handle, so a reload finds it again);
 * resolves at `webrtcup`. The tab remembers (sessionStorage) that it was in a call.
 */
export async function startEchoCall(keeper: KeeperClient, handleId: number, view: DemoCallView): Promise<Peer> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
  const newPc = () => {
    const pc = new RTCPeerConnection();
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    pc.addEventListener('track', (event) => {
      if (event.streams[0]) view.video.srcObject = event.streams[0];
    });
    return pc;
  };
  const call = peer(keeper, handleId, newPc(), {
    offerBody: { audio: true, video: true },
    renew: () => {
      view.log('Janus hung the call up: a new PeerConnection on the same handle');
      return newPc();
    },
    onError: (error) => view.log(`call: ${(error as Error).name ?? 'error'}: ${(error as Error).message ?? String(error)}`),
  });
  const up = call.up();
  await call.start();
  await up;
  sessionStorage.setItem(CALL_KEY, String(handleId));
  watchBitrate(call, view.bitrate);
  return call;
}

/** The echotest handle this tab was calling on before a reload, if any. */
export function callBeforeReload(): number | undefined {
  const value = Number(sessionStorage.getItem(CALL_KEY));
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

export { ECHO };

/** Inbound video bitrate, once a second, from getStats (the echoed stream coming back). */
function watchBitrate(call: Peer, out: HTMLElement): void {
  let last: { bytes: number; at: number } | undefined;
  const timer = setInterval(async () => {
    let bytes = 0;
    for (const report of (await call.pc.getStats()).values()) {
      if (report.type === 'inbound-rtp' && report.kind === 'video') bytes += report.bytesReceived ?? 0;
    }
    const at = performance.now();
    if (last && bytes >= last.bytes) { // fewer bytes: a new PeerConnection, count again
      const kbps = ((bytes - last.bytes) * 8) / (at - last.at);
      out.textContent = `${kbps.toFixed(0)} kbit/s`;
      out.dataset['kbps'] = kbps.toFixed(0);
    }
    last = { bytes, at };
  }, 1_000);
  addEventListener('pagehide', () => clearInterval(timer), { once: true });
}
