/**
 * An EventTarget whose event names and payloads are typed by a map, as workbox-window does it.
 * Listeners get a CustomEvent whose `detail` is the payload; `on()` is the short form.
 */
export class Emitter<Events extends object> extends EventTarget {
  on<K extends keyof Events & string>(type: K, listener: (detail: Events[K]) => void): () => void {
    const wrapped = (event: Event) => listener((event as CustomEvent<Events[K]>).detail);
    this.addEventListener(type, wrapped);
    return () => this.removeEventListener(type, wrapped);
  }

  /** Dispatches to listeners; a listener that throws is reported, never breaks the emitter. */
  emit<K extends keyof Events & string>(type: K, detail: Events[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

export interface Logger {
  warn(message: string): void;
}

export const consoleLogger: Logger = { warn: (message) => console.warn(`[janus-keeper] ${message}`) };
