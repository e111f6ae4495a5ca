// The keeper worker of one version, with its console captured and a kill switch that works in
// every engine: `{ kill: 'shared' | 'dedicated' }` on the soak-control channel closes it.
import '/e2e/pages/capture-console.js';
import 'KEEPER_WORKER_URL';
const kind = typeof SharedWorkerGlobalScope !== 'undefined' && self instanceof SharedWorkerGlobalScope ? 'shared' : 'dedicated';
new BroadcastChannel('soak-control').onmessage = ({ data }) => {
  if (data?.kill === kind) self.close();
};
