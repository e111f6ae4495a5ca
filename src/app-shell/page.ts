// The page half of the app shell (`janus-keeper/app-shell`): kept out of the main entry so a page
// that only calls connect() carries no workbox-window. workbox-window is CommonJS (UMD) for Node, so
// it is loaded only when a shell is registered: importing this module in Node (SSR, unit tests) works.
import type { Workbox } from 'workbox-window';
import { Emitter, JanusKeeperError } from '../janus/index.js';

/** Events of an {@link AppShell}: a new version installed, waiting to take over, or in control. */
export interface AppShellEvents {
  /** A new version is installed and waits: call `update()` to switch to it. */
  waiting: undefined;
  /** A new service worker controls this page (after `update()` the page reloads itself). */
  controlling: undefined;
  /** The first version was installed: the app now boots offline. */
  installed: undefined;
}

/** Options of {@link registerAppShell}: the service worker's URL and scope. */
export interface RegisterAppShellOptions {
  /** The service worker's URL (default '/sw.js'); it must be at or above the app's path. */
  url?: string;
  scope?: string;
  /** Reload the page once the new version controls it after `update()` (default true). */
  reloadOnUpdate?: boolean;
}

/** The app shell's lifecycle, as workbox-window tells it, on a typed EventTarget. */
export class AppShell extends Emitter<AppShellEvents> {
  #waiting = false;

  constructor(readonly workbox: Workbox, private readonly reloadOnUpdate: boolean) {
    super();
    workbox.addEventListener('waiting', () => {
      this.#waiting = true;
      this.emit('waiting', undefined);
    });
    workbox.addEventListener('installed', (event) => {
      if (!event.isUpdate) this.emit('installed', undefined);
    });
  }

  /** True while a new version waits for `update()`. */
  get updateWaiting(): boolean {
    return this.#waiting;
  }

  /** A late 'waiting' listener still learns that a version waits. */
  override on<K extends keyof AppShellEvents & string>(type: K, listener: (detail: AppShellEvents[K]) => void): () => void {
    const off = super.on(type, listener);
    if (type === 'waiting' && this.#waiting) queueMicrotask(() => listener(undefined as AppShellEvents[K]));
    return off;
  }

  /** Asks the waiting version to take over; the page reloads when it controls it. */
  update(): void {
    this.workbox.addEventListener('controlling', () => {
      this.emit('controlling', undefined);
      if (this.reloadOnUpdate) location.reload();
    });
    this.workbox.messageSkipWaiting();
  }

  /** Looks for a new version now (browsers also do it on navigation). */
  async checkForUpdate(): Promise<void> {
    await this.workbox.update();
  }
}

/** Registers the app shell's service worker (workbox-window). */
export async function registerAppShell(options: RegisterAppShellOptions = {}): Promise<AppShell> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) {
    throw new JanusKeeperError('Service workers are not available here (they need a secure context: https or localhost)');
  }
  const { Workbox } = await import('workbox-window');
  const workbox = new Workbox(options.url ?? '/sw.js', options.scope ? { scope: options.scope } : undefined);
  const shell = new AppShell(workbox, options.reloadOnUpdate ?? true);
  await workbox.register();
  return shell;
}
