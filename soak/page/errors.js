// Classic script, first in the page: records every uncaught error and unhandled rejection of this
// page and (through the capture channel) of the keeper workers, for the soak runner's invariant.
window.soakErrors = [];
const describe = (value) => (value instanceof Error ? `${value.name}: ${value.message}` : String(value));
window.addEventListener('error', (event) => window.soakErrors.push({ where: 'page', text: describe(event.error ?? event.message) }));
window.addEventListener('unhandledrejection', (event) => window.soakErrors.push({ where: 'page', text: `unhandled rejection: ${describe(event.reason)}` }));
new BroadcastChannel('console-capture').onmessage = ({ data }) => {
  if (data.level === 'uncaught' || data.level === 'unhandled') window.soakErrors.push({ where: 'worker', text: `${data.level}: ${data.text}` });
};
