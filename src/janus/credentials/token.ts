// What a Janus token is, read without any I/O: small, so that a page checks one without the keeper's
// credentials code.
import { InvalidArgumentError } from '../errors.js';

const SIGNED = /^(\d{9,12}),janus[,:]/;

/** The expiry (epoch ms) of a signed Janus token (`<expiry>,janus,<plugins>:<signature>`), if it is one. */
export function signedTokenExpiry(token: string): number | undefined {
  const match = SIGNED.exec(token);
  return match ? Number(match[1]) * 1000 : undefined;
}

/** A non-empty string without control characters (which no header, query or JSON field should carry). */
export function isToken(value: unknown): value is string {
  // eslint-disable-next-line no-control-regex
  return typeof value === 'string' && value !== '' && !/[\u0000-\u001f\u007f]/.test(value);
}

/** A usable token or a typed error before any I/O. */
export function checkToken(value: unknown, what = 'token'): string {
  if (!isToken(value)) throw new InvalidArgumentError(`${what} must be a non-empty string without control characters`);
  return value;
}

