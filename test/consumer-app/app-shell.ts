// The offline app shell, page half: its own entry, so page.ts's bundle has no workbox-window.
import { registerAppShell, type AppShell } from 'janus-keeper/app-shell';

export async function startShell(): Promise<AppShell> {
  const shell = await registerAppShell({ url: '/sw.js' });
  shell.on('waiting', () => shell.update());
  return shell;
}
