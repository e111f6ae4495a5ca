// `janus-keeper/janusjs`: existing janus.js apps on the keeper, for bundlers (`useKeeper(Janus, { workerUrl })`).
export { useKeeper, type JanusDependencies, type JanusGlobal, type UseKeeperOptions } from './use-keeper.js';
export { FrameSession, type Frame, type KeeperCallsForFrames } from './frames.js';
