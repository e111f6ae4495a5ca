// The SharedWorker keeper lands here; until then the worker entry re-exports the session layer.
export * from '../janus/index.js';
