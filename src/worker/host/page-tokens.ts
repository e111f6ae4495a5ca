// The keeper's token provider in a worker: a function cannot cross to the worker, so the keeper
// asks a live page that has one (the newest first) over its event port, and the next one when that
// page goes, fails or does not answer in time. With no such page open, there is no provider.
import type { TabEvent, TokenAnswer } from '../../bridge/api.js';
import { TokenProviderError, type Clock } from '../../janus/index.js';

interface ProviderPage {
  lockName: string;
  post(event: TabEvent): void;
}

interface Waiting {
  lockName: string;
  settle(token: string | undefined, error: TokenProviderError | undefined): void;
}

export class PageTokens {
  /** Pages with a provider, the newest last. */
  readonly #pages: ProviderPage[] = [];
  readonly #waiting = new Map<number, Waiting>();
  #nextId = 0;

  /** `changed(any)` runs when the first provider page comes or the last one goes. */
  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly changed: (any: boolean) => void,
  ) {}

  get any(): boolean {
    return this.#pages.length > 0;
  }

  add(lockName: string, post: (event: TabEvent) => void): void {
    const had = this.any;
    this.#drop(lockName);
    this.#pages.push({ lockName, post });
    if (!had) this.changed(true);
  }

  remove(lockName: string): void {
    if (!this.#drop(lockName)) return;
    for (const [id, waiting] of this.#waiting) {
      if (waiting.lockName !== lockName) continue;
      this.#waiting.delete(id);
      waiting.settle(undefined, new TokenProviderError('no-provider', 'the page asked for a token went away'));
    }
    if (!this.any) this.changed(false);
  }

  /** A token from the newest page that gives one; each page within the deadline. */
  async ask(): Promise<string> {
    const tried = new Set<string>();
    let last: TokenProviderError | undefined;
    for (;;) {
      const page = [...this.#pages].reverse().find((candidate) => !tried.has(candidate.lockName));
      if (!page) throw last ?? new TokenProviderError('no-provider', 'no open page of this keeper has a token provider');
      tried.add(page.lockName);
      try {
        return await this.#askPage(page);
      } catch (error) {
        last = error as TokenProviderError;
      }
    }
  }

  /** A page's answer to request `id` (from that page only). */
  answer(lockName: string, id: number, answer: TokenAnswer): void {
    const waiting = this.#waiting.get(id);
    if (!waiting || waiting.lockName !== lockName) return;
    this.#waiting.delete(id);
    if (typeof answer === 'object' && answer !== null && 'token' in answer && typeof answer.token === 'string' && answer.token !== '') {
      waiting.settle(answer.token, undefined);
      return;
    }
    const reason = typeof answer === 'object' && answer !== null && 'reason' in answer && answer.reason === 'threw' ? 'threw' : 'invalid';
    waiting.settle(undefined, new TokenProviderError(reason, reason === 'threw'
      ? 'the page\'s token provider failed' : 'the page\'s token provider gave something that is not a non-empty string'));
  }

  #askPage(page: ProviderPage): Promise<string> {
    const id = ++this.#nextId;
    return new Promise<string>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        if (!this.#waiting.delete(id)) return;
        reject(new TokenProviderError('timeout', `the page's token provider gave no token within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.#waiting.set(id, {
        lockName: page.lockName,
        settle: (token, error) => {
          this.clock.clearTimeout(timer);
          if (error) reject(error);
          else resolve(token!);
        },
      });
      page.post({ type: 'token-request', id });
    });
  }

  #drop(lockName: string): boolean {
    const index = this.#pages.findIndex((page) => page.lockName === lockName);
    if (index < 0) return false;
    this.#pages.splice(index, 1);
    return true;
  }
}
