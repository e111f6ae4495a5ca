// The soak's echo call (one tab, engines with WebRTC): Chromium's fake camera through the keeper
// with janus-keeper/peer; the runner reads its inbound bytes to see media flow through faults.
import { peer } from '/dist/browser/janus-keeper-peer.js';

/** Starts an EchoTest call on `handleId`; resolves at webrtcup (or rejects). */
export async function startCall(keeper, handleId) {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 160, height: 120 } });
  const newPc = () => {
    const pc = new RTCPeerConnection();
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    return pc;
  };
  const binding = peer(keeper, handleId, newPc(), { offerBody: { audio: true, video: true }, renew: newPc });
  const up = binding.up();
  await binding.start();
  await up;
  return {
    handleId,
    async bytes() {
      let bytes = 0;
      for (const report of (await binding.pc.getStats()).values()) if (report.type === 'inbound-rtp') bytes += report.bytesReceived ?? 0;
      return bytes;
    },
  };
}
