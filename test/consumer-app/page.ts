// A consumer's page, as README tells a new user to write it: type-checked strictly against the
// packed package (test/consumer), bundled with esbuild and run in Chromium against a real Janus.
import { connect, JanusKeeperError, VersionMismatchError, WorkerLoadError, type KeeperState } from 'janus-keeper';

const ECHO = 'janus.plugin.echotest';
const params = new URLSearchParams(location.search);
const report = (key: string, value: string): void => {
  document.body.dataset[key] = value;
};

try {
  const keeper = await connect({ server: params.get('server') ?? 'ws://127.0.0.1:8188', workerUrl: params.get('worker') ?? '/keeper-worker.js', debug: true });
  keeper.on('state', (state: KeeperState) => report('state', state.state));
  const { sessionId } = await keeper.create();
  // A reloaded tab still owns its handle: reuse it instead of attaching again.
  const known = (await keeper.state()).handles.find((handle) => handle.plugin === ECHO);
  const { handleId } = known ?? await keeper.attach(ECHO);
  const { data } = await keeper.message(handleId, { audio: true });
  report('session', String(sessionId));

  // Browser types go in as the browser hands them (checked by tsc; run where a peer connection exists).
  if (params.has('webrtc')) {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('audio');
    pc.onicecandidate = (event) => void keeper.trickle(handleId, event.candidate ? event.candidate.toJSON() : { completed: true });
    const offer: RTCSessionDescriptionInit = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const answer = await keeper.message(handleId, { audio: true }, offer);
    if (answer.jsep) await pc.setRemoteDescription(answer.jsep);
    report('webrtc', pc.signalingState);
  }
  report('echo', String(data['result']));
} catch (error) {
  const kind = error instanceof VersionMismatchError ? 'version' : error instanceof WorkerLoadError ? 'load'
    : error instanceof JanusKeeperError ? 'keeper' : 'other';
  report('error', `${kind}: ${(error as Error).message}`);
}
