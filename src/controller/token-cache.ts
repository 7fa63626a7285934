import type { Token } from '../core/fleet/model.js';
import type { ChangeFeed } from './change-feed.js';

/**
 * The key the store publishes on commit of a change to, or the deletion of,
 * the token `id` (schema 0021-token-notices), to every controller on the
 * database. Made tokens are not published: an unknown hash is never held.
 */
export const tokenNotice = (id: string): string => `(token:${id})`;

/**
 * Beyond this many tokens held, the oldest looked up is let go: a bound on
 * memory that a fleet (10,000 agents and their users) stays well below.
 */
const MAX_HELD = 50_000;

/**
 * The tokens this controller has looked up, by the hash of their secret,
 * so an agent's heartbeat or long poll costs no database read for its
 * token (issue 14 P8). A token held is dropped when its own notice comes
 * (changed or revoked, through any controller) or notices may have been
 * lost (the listener reconnected): a revoked token is refused as soon as the
 * notice arrives, as it was with a read per request. Only that token is
 * read again: a fleet's agents joining (a token made for each) or a
 * colleague's token revoked costs the others nothing. An unknown hash is
 * never held, so a new token needs no notice to work and guessing fills no
 * memory. Tokens have no expiry (a dashboard session does, and is not held
 * here: auth.ts reads it every time).
 */
export interface TokenCache {
  /** The token whose secret hashes to `hash`, held or else read with `read` (and held). */
  lookup(hash: string, read: (hash: string) => Promise<Token | null>): Promise<Token | null>;
  /**
   * Drops the token `id`. A revoke through this controller calls it at
   * once, not waiting for its own notice to come back from the database.
   */
  forget(id: string): void;
}

export function createTokenCache(
  feed: Pick<ChangeFeed, 'mark' | 'latest' | 'notify'>,
  maxHeld: number = MAX_HELD,
): TokenCache {
  // Each token with its notice key and that key's mark when it was read: held while the mark stays put.
  const held = new Map<string, { token: Token; key: string; mark: number }>();
  return {
    async lookup(hash, read) {
      const hit = held.get(hash);
      if (hit !== undefined) {
        if (feed.mark(hit.key) === hit.mark) return hit.token;
        held.delete(hash);
      }
      const before = feed.latest();
      const token = await read(hash);
      if (token === null) return null;
      // A notice for it during the read (or a forget): what it read may predate the change.
      const key = tokenNotice(token.id);
      const mark = feed.mark(key);
      if (mark > before) return token;
      if (held.size >= maxHeld) {
        const oldest = held.keys().next();
        if (oldest.done !== true) held.delete(oldest.value);
      }
      held.set(hash, { token, key, mark });
      return token;
    },
    // The store's own notice, given here at once: the mark moves, and what holds it is read again.
    forget: (id) => {
      feed.notify(tokenNotice(id));
    },
  };
}
