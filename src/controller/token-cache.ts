import type { Token } from '../core/fleet/model.js';
import type { ChangeFeed } from './change-feed.js';

/**
 * The key the store publishes on commit of any change to the tokens table
 * (schema 0020-tokens-notices), to every controller on the database.
 */
export const TOKENS_NOTICE = '(tokens)';

/**
 * Beyond this many tokens held, the oldest looked up is let go: a bound on
 * memory that a fleet (10,000 agents and their users) stays well below.
 */
const MAX_HELD = 50_000;

/**
 * The tokens this controller has looked up, by the hash of their secret,
 * so an agent's heartbeat or long poll costs no database read for its
 * token (issue 14 P8). Everything held is dropped when a `(tokens)` notice
 * comes (a token made, changed or revoked, through any controller) or
 * notices may have been lost (the listener reconnected): a revoked token
 * is refused as soon as the notice arrives, as it was with a read per
 * request. An unknown hash is never held, so a new token needs no notice
 * to work and guessing fills no memory. Tokens have no expiry (a dashboard
 * session does, and is not held here: auth.ts reads it every time).
 */
export interface TokenCache {
  /** The token whose secret hashes to `hash`, held or else read with `read` (and held). */
  lookup(hash: string, read: (hash: string) => Promise<Token | null>): Promise<Token | null>;
  /**
   * Drops everything held. A revoke through this controller calls it at
   * once, not waiting for its own notice to come back from the database.
   */
  clear(): void;
}

export function createTokenCache(
  feed: Pick<ChangeFeed, 'mark'>,
  maxHeld: number = MAX_HELD,
): TokenCache {
  const held = new Map<string, Token>();
  // The feed's mark for the key when `held` was last known good...
  let heldAt = feed.mark(TOKENS_NOTICE);
  // ...and a count of every drop (a notice or a clear), so a read that a drop overtook is not kept.
  let drops = 0;
  const drop = () => {
    held.clear();
    drops += 1;
  };
  const check = () => {
    const mark = feed.mark(TOKENS_NOTICE);
    if (mark === heldAt) return;
    heldAt = mark;
    drop();
  };
  return {
    async lookup(hash, read) {
      check();
      const hit = held.get(hash);
      if (hit !== undefined) return hit;
      const before = drops;
      const token = await read(hash);
      check();
      // A notice during the read: what it read may predate the change.
      if (token !== null && drops === before) {
        if (held.size >= maxHeld) {
          const oldest = held.keys().next();
          if (oldest.done !== true) held.delete(oldest.value);
        }
        held.set(hash, token);
      }
      return token;
    },
    clear: drop,
  };
}
