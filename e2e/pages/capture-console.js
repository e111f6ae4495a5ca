// Test-only: copies every console call of the worker that imports it to a BroadcastChannel, so a
// spec can read what the SharedWorker logged (Playwright does not see SharedWorkers).
const channel = new BroadcastChannel('console-capture');
const show = (value) => {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ''}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};
for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
  const original = console[level].bind(console);
  console[level] = (...args) => {
    channel.postMessage({ level, text: args.map(show).join(' ') });
    original(...args);
  };
}
self.addEventListener('error', (event) => channel.postMessage({ level: 'uncaught', text: String(event.message) }));
self.addEventListener('unhandledrejection', (event) => channel.postMessage({ level: 'unhandled', text: show(event.reason) }));
channel.postMessage({ level: 'capture', text: 'console capture on' });
