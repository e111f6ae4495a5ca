/**
 * An EventTarget whose event names and payloads are typed by a map, as workbox-window does it.
 * Listeners get a CustomEvent whose `detail` is the payload; `on()` is the short form.
 */
export class Emitter<Events extends object> extends EventTarget {
  /**
   * Adds a listener; returns the function that removes it. A listener that throws is reported
   * (`reportError` where the platform has it, else `console.error`) and never reaches the code
   * that emitted, nor kills a Node process as a throwing EventTarget listener does.
   */
  on<K extends keyof Events & string>(type: K, listener: (detail: Events[K]) => void): () => void {
    const wrapped = (event: Event) => {
      try {
        listener((event as CustomEvent<Events[K]>).detail);
      } catch (error) {
        reportListenerError(type, error);
      }
    };
    this.addEventListener(type, wrapped);
    return () => this.removeEventListener(type, wrapped);
  }

  /** Dispatches to the listeners added with `on()`. */
  emit<K extends keyof Events & string>(type: K, detail: Events[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

function reportListenerError(type: string, error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function' && typeof (globalThis as { process?: unknown }).process === 'undefined') {
    report(error);
  } else {
    console.error(`[janus-keeper] a "${type}" listener threw:`, error);
  }
}

/** Where warnings (dropped frames, discarded records) go; never with an id or a secret. */
export interface Logger {
  warn(message: string): void;
}

/** The default {@link Logger}: `console`. */
export const consoleLogger: Logger = { warn: (message) => console.warn(`[janus-keeper] ${message}`) };

/**
 * At most `limit` warnings per `windowMs`, then one line saying how many were held back: a server
 * that floods bad frames must not flood the console too.
 */
export function rateLimited(logger: Logger, limit = 10, windowMs = 10_000, now: () => number = Date.now): Logger {
  let windowStart = -Infinity;
  let sent = 0;
  let held = 0;
  return {
    warn(message) {
      const time = now();
      if (time - windowStart >= windowMs) {
        if (held > 0) logger.warn(`(${held} more warnings held back)`);
        windowStart = time;
        sent = 0;
        held = 0;
      }
      if (sent < limit) {
        sent++;
        logger.warn(message);
      } else {
        held++;
      }
    },
  };
}
