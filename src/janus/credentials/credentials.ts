// The one owner of a session's token: what every request carries, asking the app's provider for a
// fresh one (before create and claim, after a 403, and ahead of a signed token's expiry), and
// backing off when the provider or Janus keeps refusing. A token is a credential: it lives in
// memory here only, and no message, error or log ever carries it.
import { systemClock, type Clock } from '../clock.js';
import { Emitter } from '../emitter.js';
import { InvalidArgumentError, JanusErrorCode, TokenProviderError, TokenRefusedError, TransportError } from '../errors.js';
import type { JanusMessage, JanusRequest } from '../protocol.js';
import type { Transport } from '../transport/transport.js';
import { checkToken, isToken, signedTokenExpiry } from './token.js';

/** Gives a Janus token: a string, or a promise of one (e.g. fetched from the app's backend). */
export type TokenProvider = () => string | Promise<string>;

/** A token: a string, `null` (none) or a provider that is asked whenever a fresh one is needed. */
export type TokenSource = string | null | TokenProvider;

/** What `new Credentials()` takes: the token (or its provider), the API secret, the provider's deadline. */
export interface CredentialsOptions {
  token?: TokenSource | undefined;
  apiSecret?: string | null | undefined;
  /** Deadline of one provider call. Default 10 s. */
  providerTimeoutMs?: number;
  clock?: Clock;
}

/** What `Credentials` tells its listeners (never a token). */
export interface CredentialsEvents {
  /** A new token is in use (from the provider or `setToken`); never carries the token. */
  renewed: { expiresAt: number | undefined; by: 'provider' | 'set' };
  /** The provider failed, or Janus refused a fresh token: requests fail until a good one comes. */
  failed: TokenProviderError | TokenRefusedError;
}

/** The fields a request carries. */
export interface CredentialFields {
  token?: string;
  apisecret?: string;
}

const DEFAULT_PROVIDER_TIMEOUT_MS = 10_000;
/** After a failure the provider is asked again no sooner than this, doubling up to the cap. */
const FAILURE_BACKOFF_MS = 1_000;
const FAILURE_BACKOFF_CAP_MS = 60_000;
/** A signed token is renewed when this share of its life (as seen here) has passed... */
const RENEW_AT_SHARE = 0.75;
/** ...and no later than this before it expires (clocks differ between browser and Janus). */
const RENEW_MARGIN_MS = 5_000;
/** Never renew ahead sooner than this after the last renewal (a token that arrives nearly expired). */
const MIN_RENEW_AFTER_MS = 1_000;
/**
 * The session's credentials: the API secret (fixed) and the token (renewable). Share one
 * instance between the sessions that one app opens (a keeper's reconnects), so a token fetched
 * once serves them all and the provider is asked once for all of them.
 */
export class Credentials extends Emitter<CredentialsEvents> {
  #provider: TokenProvider | undefined;
  readonly #apiSecret: string | undefined;
  readonly #clock: Clock;
  readonly #providerTimeoutMs: number;
  #token: string | undefined;
  #expiresAt: number | undefined;
  #asking: Promise<string> | undefined;
  #failures = 0;
  #blockedUntil = -Infinity;
  #lastFailure: TokenProviderError | TokenRefusedError | undefined;
  #renewTimer: unknown;
  #holders = 0;
  #providerCalls = 0;
  #refusals = 0;
  #refusedToken: string | undefined;

  constructor(options: CredentialsOptions = {}) {
    super();
    this.#clock = options.clock ?? systemClock;
    const timeout = options.providerTimeoutMs;
    if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0) || timeout > 2 ** 31 - 1)) {
      throw new InvalidArgumentError('tokenTimeoutMs must be a positive number of milliseconds');
    }
    this.#providerTimeoutMs = timeout ?? DEFAULT_PROVIDER_TIMEOUT_MS;
    const { token, apiSecret } = options;
    if (typeof token === 'function') this.#provider = token;
    else if (token != null) this.#adopt(checkToken(token));
    if (apiSecret != null) this.#apiSecret = checkToken(apiSecret, 'apiSecret');
  }

  /** What the next request carries. */
  fields(): CredentialFields {
    const fields: CredentialFields = {};
    if (this.#token !== undefined) fields.token = this.#token;
    if (this.#apiSecret !== undefined) fields.apisecret = this.#apiSecret;
    return fields;
  }

  /**
   * Replaces the provider (`undefined`: none; a refused token is then final until `setToken`). A
   * keeper worker's provider is its pages', there only while a page that has one is open.
   */
  setProvider(provider: TokenProvider | undefined): void {
    if (provider !== undefined && typeof provider !== 'function') throw new InvalidArgumentError('a token provider must be a function');
    const came = provider !== undefined && this.#provider === undefined;
    this.#provider = provider;
    // A provider that comes after refusals without one is asked at once: the backoff was for none.
    if (came) this.#recover();
    this.#scheduleRenewal();
  }

  /** True when a refused token can be replaced by asking the provider. */
  get renewable(): boolean {
    return this.#provider !== undefined;
  }

  /** When the current token expires (epoch ms), for a signed one. */
  get expiresAt(): number | undefined {
    return this.#expiresAt;
  }

  /** How many times the provider was called (for figures and tests). */
  get providerCalls(): number {
    return this.#providerCalls;
  }

  /** How many times Janus refused a token these credentials gave (403): 0 while renewals come in time. */
  get refusals(): number {
    return this.#refusals;
  }

  /** The last failure, until a good token comes. */
  get failure(): TokenProviderError | TokenRefusedError | undefined {
    return this.#lastFailure;
  }

  /**
   * Replaces the token for every request from now on (a token the app's backend pushed, or a newer
   * one from another tab); `null` drops it. A failure stops: the next request uses this token.
   */
  setToken(token: string | null): void {
    if (token === null) {
      this.#token = undefined;
      this.#expiresAt = undefined;
      this.#clock.clearTimeout(this.#renewTimer);
    } else {
      this.#adopt(checkToken(token));
    }
    this.#recover();
    this.emit('renewed', { expiresAt: this.#expiresAt, by: 'set' });
  }

  /**
   * Takes `token` when it is newer than the current one: a signed token that expires later than a
   * signed current one; any other token that differs (unsigned tokens carry no date: the one given
   * last is taken as the newer). Returns whether it took it.
   */
  offer(token: string): boolean {
    checkToken(token);
    if (token === this.#token) return false;
    const offered = signedTokenExpiry(token);
    if (offered !== undefined && this.#expiresAt !== undefined && offered <= this.#expiresAt) return false;
    this.setToken(token);
    return true;
  }

  /** Before a create or claim: a token that will not expire during it, from the provider if need be. */
  async ready(): Promise<void> {
    if (!this.#provider) return;
    const expiring = this.#expiresAt !== undefined && this.#expiresAt - this.#clock.now() < RENEW_MARGIN_MS;
    if (this.#token === undefined || expiring) await this.#fresh();
  }

  /**
   * Janus refused `refused` (403): a fresh token, unless one came meanwhile. Rejects with
   * `TokenRefusedError` when there is no other token to try (no provider, or it gave the same
   * one), `TokenProviderError` when the provider failed.
   */
  async renew(refused: string | undefined): Promise<void> {
    this.#refusals++;
    if (this.#token !== refused && this.#token !== undefined) return; // renewed meanwhile: try that one
    if (!this.#provider) throw this.#refused(refused, 'Janus refused the token (403) and no provider can give another');
    const fresh = await this.#fresh();
    if (fresh === refused) throw this.#refused(refused, 'Janus refused the token (403) and the provider gave the same one again');
  }

  /** Janus refused the fresh token (`token`) too: final for that token (the tabs are told; no loop). */
  refusedAgain(token: string | undefined): TokenRefusedError {
    this.#refusals++;
    return this.#refused(token, 'Janus refused a fresh token (403): check the token provider and Janus\'s token_auth');
  }

  /**
   * Keeps the ahead-of-expiry renewal running while a holder (an open session) uses these
   * credentials. Returns its release.
   */
  hold(): () => void {
    this.#holders++;
    this.#scheduleRenewal();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#holders === 0) this.#clock.clearTimeout(this.#renewTimer);
    };
  }

  #fresh(): Promise<string> {
    if (this.#asking) return this.#asking;
    if (this.#lastFailure && this.#clock.now() < this.#blockedUntil) return Promise.reject(this.#lastFailure);
    const asking = this.#ask().finally(() => {
      if (this.#asking === asking) this.#asking = undefined;
    });
    this.#asking = asking;
    return asking;
  }

  async #ask(): Promise<string> {
    const provider = this.#provider!;
    this.#providerCalls++;
    let timer: unknown;
    let token: unknown;
    try {
      token = await new Promise<unknown>((resolve, reject) => {
        timer = this.#clock.setTimeout(() => reject(new TokenProviderError('timeout',
          `the token provider gave no token within ${this.#providerTimeoutMs} ms`)), this.#providerTimeoutMs);
        Promise.resolve().then(provider).then(resolve, (error: unknown) => reject(
          error instanceof TokenProviderError || error instanceof TokenRefusedError
            ? error : new TokenProviderError('threw', 'the token provider failed', { cause: error })));
      });
    } catch (error) {
      throw this.#fail(error as TokenProviderError | TokenRefusedError);
    } finally {
      this.#clock.clearTimeout(timer);
    }
    if (!isToken(token)) {
      throw this.#fail(new TokenProviderError('invalid', 'the token provider gave something that is not a non-empty string'));
    }
    const changed = token !== this.#token;
    if (changed) this.#adopt(token);
    // A provider that answers again ends a failure, unless it gave the token Janus refused.
    const stillRefused = !changed && this.#lastFailure instanceof TokenRefusedError && this.#refusedToken === token;
    if (!stillRefused) {
      const failed = this.#lastFailure !== undefined;
      this.#recover();
      if (changed || failed) this.emit('renewed', { expiresAt: this.#expiresAt, by: 'provider' });
    }
    return token;
  }

  #adopt(token: string): void {
    this.#token = token;
    this.#expiresAt = signedTokenExpiry(token);
    this.#renewedAt = this.#clock.now();
    this.#scheduleRenewal();
  }

  #renewedAt = 0;

  #scheduleRenewal(): void {
    this.#clock.clearTimeout(this.#renewTimer);
    if (!this.#provider || this.#expiresAt === undefined || this.#holders === 0) return;
    const life = this.#expiresAt - this.#renewedAt;
    const at = Math.min(this.#renewedAt + life * RENEW_AT_SHARE, this.#expiresAt - RENEW_MARGIN_MS);
    const delay = Math.max(at - this.#clock.now(), this.#renewedAt + MIN_RENEW_AFTER_MS - this.#clock.now(), 0);
    this.#renewTimer = this.#clock.setTimeout(() => this.#renewAhead(), delay);
  }

  /** Asks ahead of expiry; after a failure, again once the backoff allows, while the token lasts. */
  #renewAhead(): void {
    const expiresAt = this.#expiresAt;
    this.#fresh().catch(() => {
      const now = this.#clock.now();
      if (!this.#provider || this.#holders === 0 || this.#expiresAt !== expiresAt || expiresAt === undefined) return;
      const retryAt = Math.max(this.#blockedUntil, now + MIN_RENEW_AFTER_MS);
      // Past the expiry the next request's 403 asks (after the backoff): no timer of its own then.
      if (retryAt < expiresAt) this.#renewTimer = this.#clock.setTimeout(() => this.#renewAhead(), retryAt - now);
    });
  }

  #recover(): void {
    this.#failures = 0;
    this.#blockedUntil = -Infinity;
    this.#lastFailure = undefined;
  }

  #fail<E extends TokenProviderError | TokenRefusedError>(error: E): E {
    const backoff = Math.min(FAILURE_BACKOFF_CAP_MS, FAILURE_BACKOFF_MS * 2 ** Math.min(this.#failures, 16));
    this.#failures++;
    this.#blockedUntil = this.#clock.now() + backoff;
    this.#lastFailure = error;
    this.emit('failed', error);
    return error;
  }

  /** One failure per refused token, however many requests met its 403 at once. */
  #refused(token: string | undefined, message: string): TokenRefusedError {
    // Requests refused at the same moment share one failure; a later refusal of it backs off further.
    const last = this.#lastFailure;
    if (last instanceof TokenRefusedError && this.#refusedToken === token && this.#clock.now() < this.#blockedUntil) return last;
    this.#refusedToken = token;
    return this.#fail(new TokenRefusedError(message));
  }
}

/**
 * Sends `request` with the current credentials. On a 403 (Janus refused the token before doing
 * anything, so the same request is safe to repeat), once: a fresh token, then the request again;
 * a second 403 is final (`TokenRefusedError`). A request that names its own token (a handle's
 * attach) is sent as it is.
 */
export async function sendAuthorized(transport: Transport, request: JanusRequest, timeoutMs: number,
  credentials: Credentials, cancelled?: () => boolean): Promise<JanusMessage> {
  if (request.token !== undefined) return transport.send({ ...credentials.fields(), ...request }, timeoutMs);
  const first = credentials.fields();
  const answer = await transport.send({ ...request, ...first }, timeoutMs);
  if (!isUnauthorized(answer)) return answer;
  await credentials.renew(first.token); // TokenRefusedError at once without a provider
  if (cancelled?.()) throw new TransportError(`${request.janus} was no longer wanted (cancelled) when a fresh token came`, { local: true });
  const again = await transport.send({ ...request, ...credentials.fields() }, timeoutMs);
  if (isUnauthorized(again)) throw credentials.refusedAgain(credentials.fields().token);
  return again;
}

function isUnauthorized(answer: JanusMessage): boolean {
  return answer.janus === 'error' && answer.error?.code === JanusErrorCode.Unauthorized;
}
