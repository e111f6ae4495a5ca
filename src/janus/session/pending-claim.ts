// A claim handed out before Janus answered it (`onClaimSent`): what its answer decides for the
// requests sent right behind it on its link.
import { DestroyedError, SessionReclaimException, TokenProviderError, TokenRefusedError, TransportError } from '../errors.js';

export class PendingClaim {
  /** Settles with the claim's answer: the requests behind it await it. */
  readonly outcome: Promise<void>;
  #resolve!: () => void;
  #reject!: (error: Error) => void;

  constructor() {
    this.outcome = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.outcome.catch(() => {}); // awaited by the requests sent behind the claim, if any
  }

  succeeded(): void {
    this.#resolve();
  }

  /**
   * The claim failed: the requests behind it fail as on a lost session when Janus refused it (458:
   * `lost`), with the claim's own error when Janus refused its token (it checks the token first),
   * else as on a lost link, their outcome unknown (`link`).
   */
  failed(error: unknown): 'lost' | 'link' {
    if (error instanceof SessionReclaimException) {
      this.#reject(new DestroyedError(`the session is gone: Janus refused the claim this request went behind (${error.code})`,
        { cause: error }));
      return 'lost';
    }
    this.#reject(error instanceof TokenRefusedError || error instanceof TokenProviderError ? error
      : new TransportError('the claim this request went behind failed: its outcome is unknown', { cause: error }));
    return 'link';
  }
}
