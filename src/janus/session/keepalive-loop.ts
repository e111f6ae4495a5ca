// A session's keepalives: one every period while the session is open. A keepalive with no answer
// means a dead link (half-open TCP never fires \`close\`); a timer that fires far too late (the
// machine slept) drops the link without one, so that the owner claims at once.
import type { Clock } from '../clock.js';
import { TokenProviderError, TokenRefusedError, TransportError } from '../errors.js';

/** Without a known session timeout: Janus's default one. */
const DEFAULT_SLEEP_THRESHOLD_MS = 60_000;

export interface KeepAliveHost {
  isOpen(): boolean;
  periodMs(): number;
  /** When Janus last answered anything on the session. */
  lastActivityAt(): number;
  sessionTimeoutS(): number | undefined;
  send(): Promise<void>;
  /** Closes the link and reports it. */
  drop(error: TransportError): void;
}

export class KeepAliveLoop {
  #timer: unknown;
  readonly #clock: Clock;
  readonly #host: KeepAliveHost;

  constructor(clock: Clock, host: KeepAliveHost) {
    this.#clock = clock;
    this.#host = host;
  }

  /** The next keepalive, one period from now. */
  schedule(): void {
    const clock = this.#clock, host = this.#host;
    this.#timer = clock.setTimeout(() => {
      if (!host.isOpen()) return;
      if (clock.now() - host.lastActivityAt() > this.#sleepThresholdMs()) {
        // The timer fired far too late (the machine slept): a keepalive would go into a link that
        // is likely dead, for a session Janus may have expired. Close, so the owner claims at once.
        host.drop(new TransportError('Woke up after a sleep longer than the session timeout', { local: true }));
        return;
      }
      host.send().then(
        () => host.isOpen() && this.schedule(),
        (error: unknown) => {
          if (!host.isOpen()) return;
          // Janus answered, refusing the token: the link is alive, and dropping it would start the
          // reclaim window (0 on stock timers: the end of the session). Keep it; the next keepalive
          // carries whatever token comes meanwhile (the app is told by the credentials' \`failed\`).
          if (error instanceof TokenProviderError || error instanceof TokenRefusedError) {
            this.schedule();
            return;
          }
          host.drop(error instanceof TransportError ? error
            : new TransportError('Keepalive failed: link presumed dead', { cause: error }));
        },
      );
    }, host.periodMs());
  }

  stop(): void {
    this.#clock.clearTimeout(this.#timer);
  }

  /** A silence longer than this may have outlived the session on Janus. */
  #sleepThresholdMs(): number {
    const timeoutS = this.#host.sessionTimeoutS() ?? 0;
    return timeoutS > 0 ? timeoutS * 1000 : DEFAULT_SLEEP_THRESHOLD_MS;
  }
}
