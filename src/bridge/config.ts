import type { KeeperConfig } from './api.js';
import { InvalidArgumentError, SESSION_TUNING_KEYS, validateSessionOptions, type JanusSessionOptions } from '../janus/index.js';

/** More servers than this in one config is a mistake, not a failover plan. */
export const MAX_SERVERS = 16;
const MAX_SCOPE_LENGTH = 256;

/** Checks a tab's config before any I/O, with the session layer's own rules (for every server). */
export function checkConfig(config: unknown): KeeperConfig {
  if (typeof config !== 'object' || config === null) throw new InvalidArgumentError('config must be an object');
  const given = config as KeeperConfig;
  const list = Array.isArray(given.server) ? checkServerList(given.server) : undefined;
  const checked: KeeperConfig = { server: list ?? given.server };
  if (given.scope !== undefined) {
    if (typeof given.scope !== 'string' || given.scope === '' || given.scope.length > MAX_SCOPE_LENGTH) {
      throw new InvalidArgumentError(`scope must be a non-empty string of at most ${MAX_SCOPE_LENGTH} characters`);
    }
    checked.scope = given.scope;
  }
  for (const key of SESSION_TUNING_KEYS) {
    const value = given[key];
    // A null token or API secret means none (janus.js apps pass `token: null`).
    if (value === null && (key === 'token' || key === 'apiSecret')) continue;
    if (value !== undefined) (checked as unknown as Record<string, unknown>)[key] = value;
  }
  // `transport` is checked against each URL's scheme: with a list mixing ws and http, leave it out.
  for (const [index, server] of (list ?? [given.server]).entries()) {
    try {
      validateSessionOptions({ ...checked, server } as JanusSessionOptions);
    } catch (error) {
      if (list && error instanceof InvalidArgumentError) throw new InvalidArgumentError(`server[${index}]: ${error.message}`);
      throw error;
    }
  }
  if (given.autoRecreate !== undefined) {
    if (typeof given.autoRecreate !== 'boolean') throw new InvalidArgumentError('autoRecreate must be a boolean');
    checked.autoRecreate = given.autoRecreate;
  }
  if (given.backoff !== undefined) checked.backoff = checkBackoff(given.backoff);
  if (given.ownershipProbeMs !== undefined) {
    const ms = given.ownershipProbeMs;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 3_600_000) {
      throw new InvalidArgumentError('ownershipProbeMs must be a number of milliseconds from 0 to 3,600,000');
    }
    checked.ownershipProbeMs = ms;
  }
  if (given.maxAttemptsPerMinute !== undefined) {
    const max = given.maxAttemptsPerMinute;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 10_000) {
      throw new InvalidArgumentError('maxAttemptsPerMinute must be a whole number from 1 to 10,000');
    }
    checked.maxAttemptsPerMinute = max;
  }
  return checked;
}

function checkServerList(list: unknown[]): string[] {
  if (list.length === 0) throw new InvalidArgumentError('server must be a URL or a non-empty list of URLs');
  if (list.length > MAX_SERVERS) throw new InvalidArgumentError(`server lists more than ${MAX_SERVERS} URLs`);
  const seen = new Set<string>();
  return list.map((entry, index) => {
    if (typeof entry !== 'string') throw new InvalidArgumentError(`server[${index}] must be a URL string`);
    if (seen.has(entry)) throw new InvalidArgumentError(`server[${index}] repeats an earlier entry`);
    seen.add(entry);
    return entry;
  });
}

/** The servers of a (checked) config, in order. */
export function serverList(config: Pick<KeeperConfig, 'server'>): string[] {
  return typeof config.server === 'string' ? [config.server] : [...config.server];
}

/**
 * A keeper's identity, the key of its stored record, record lock and slot in the worker: the URL
 * itself for a single server (as before lists existed; a one-entry list is the same keeper), else
 * the whole list in order; with a scope, the scope and the list.
 */
export function keeperKey(config: Pick<KeeperConfig, 'server' | 'scope'>): string {
  const list = serverList(config);
  if (config.scope !== undefined) return JSON.stringify({ scope: config.scope, servers: list });
  return list.length === 1 ? list[0]! : JSON.stringify(list);
}

function checkBackoff(backoff: unknown): NonNullable<KeeperConfig['backoff']> {
  if (typeof backoff !== 'object' || backoff === null) throw new InvalidArgumentError('backoff must be an object');
  const checked: NonNullable<KeeperConfig['backoff']> = {};
  for (const key of ['baseMs', 'capMs', 'floorMs', 'resetAfterMs'] as const) {
    const value = (backoff as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 3_600_000) {
      throw new InvalidArgumentError(`backoff.${key} must be a number of milliseconds from 0 to 3,600,000`);
    }
    checked[key] = value;
  }
  return checked;
}

// A relative reference (`/janus`, `janus`, `//host/janus`): no scheme, no white space. Anything
// else is left as it is for `checkConfig` to judge (`not a url` stays refused).
const RELATIVE = /^(?![a-z][a-z\d+.-]*:)[^\s]+$/i;

/**
 * A page's server URL made absolute: a relative one (`/janus`, `janus`, `//host/janus`) against
 * `base` (the page's URL), as janus.js apps give it. It gets the page's scheme (http: the REST
 * transport), or its WebSocket twin (ws/wss) when `transport` is `ws`. Absolute URLs, strings that
 * are no relative reference, and values that are not strings are left for `checkConfig` to judge.
 */
export function resolveServers<T>(server: T, base: string | undefined, transport?: unknown): T {
  if (base === undefined) return server;
  const resolve = (entry: unknown): unknown => {
    if (typeof entry !== 'string' || !RELATIVE.test(entry)) return entry;
    let url: URL;
    try {
      url = new URL(entry, base);
    } catch {
      return entry;
    }
    if (transport === 'ws') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.href;
  };
  return (Array.isArray(server) ? server.map(resolve) : resolve(server)) as T;
}
