// The page-side API (connect to the SharedWorker keeper) lands with the keeper; until then the
// package root re-exports the session layer.
export * from '../janus/index.js';
