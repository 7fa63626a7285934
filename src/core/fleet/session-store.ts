import type { Token } from './model.js';

/**
 * Dashboard sessions: a browser signed in with an API token holds a cookie
 * that acts as that token until it expires, is ended, or the token is
 * revoked (its sessions go with it). Only the cookie secret's sha256 is kept.
 */
export interface NewSession {
  readonly id: string;
  /** sha256 of the cookie secret, hex. */
  readonly hash: string;
  readonly tokenId: string;
  /** What a cookie-authenticated write must send in `x-vfleet-csrf`. */
  readonly csrf: string;
  readonly now: string;
  readonly expiresAt: string;
}

export interface Session {
  readonly id: string;
  /** The token the session acts as (as it is now: a revoked token has no sessions). */
  readonly token: Token;
  readonly csrf: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface SessionStore {
  /** Stores the session; false when its token is gone (revoked meanwhile): nothing stored. */
  create(s: NewSession): Promise<boolean>;
  /** The session whose cookie hashes to `hash`, expired or not (the caller tells which). */
  byHash(hash: string): Promise<Session | null>;
  /** Deletes the session; false when there was none. */
  end(id: string): Promise<boolean>;
  /** Deletes the sessions that expired before `now`; returns how many. */
  purge(now: string): Promise<number>;
}
