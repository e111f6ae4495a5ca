// Test-only: the real keeper worker, with its console captured first (imports run in order).
import './capture-console.js';
import '/dist/browser/keeper-worker.js';
