import type { KeeperConfig } from './api.js';
import { InvalidArgumentError, validateSessionOptions } from '../janus/index.js';

/** Checks a tab's config before any I/O, with the session layer's own rules. */
export function checkConfig(config: unknown): KeeperConfig {
  if (typeof config !== 'object' || config === null) throw new InvalidArgumentError('config must be an object');
  const given = config as KeeperConfig;
  const checked: KeeperConfig = { server: given.server };
  for (const key of ['transport', 'token', 'apiSecret', 'keepAliveMs', 'keepAliveTimeoutMs', 'requestTimeoutMs'] as const) {
    if (given[key] !== undefined) (checked as unknown as Record<string, unknown>)[key] = given[key];
  }
  validateSessionOptions(checked);
  if (given.autoRecreate !== undefined) {
    if (typeof given.autoRecreate !== 'boolean') throw new InvalidArgumentError('autoRecreate must be a boolean');
    checked.autoRecreate = given.autoRecreate;
  }
  if (given.backoff !== undefined) checked.backoff = checkBackoff(given.backoff);
  if (given.maxAttemptsPerMinute !== undefined) {
    const max = given.maxAttemptsPerMinute;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 10_000) {
      throw new InvalidArgumentError('maxAttemptsPerMinute must be a whole number from 1 to 10,000');
    }
    checked.maxAttemptsPerMinute = max;
  }
  return checked;
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
