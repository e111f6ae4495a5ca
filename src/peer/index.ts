export { peer, type Peer, type PeerKeeper, type PeerOptions } from './peer.js';
export type { HandleEvent, WebRtcState } from '../bridge/api.js';
