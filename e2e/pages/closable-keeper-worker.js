// Test-only: the real keeper worker, which closes itself when a page asks on a BroadcastChannel:
// a worker kill without CDP, so that the same test runs in every engine.
import '/dist/browser/keeper-worker.js';

new BroadcastChannel('janus-keeper-test:close-worker').onmessage = () => self.close();
