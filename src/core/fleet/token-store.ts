import type { DomainPolicy } from '../libvirt/domain-request.js';
import type { Token, TokenRole } from './model.js';
import type { Page, PageQuery } from './page.js';

export interface NewToken {
  readonly id: string;
  readonly name: string;
  readonly role: TokenRole;
  readonly tenant: string | null;
  readonly host: string | null;
  /** sha256 of the secret, hex; the secret itself is never stored. */
  readonly hash: string;
  /** Default `tenant` (docs/security.md). */
  readonly domainPolicy?: DomainPolicy;
  readonly now: string;
}

export type RevokeOutcome = 'revoked' | 'missing' | 'last-admin';

export interface TokenStore {
  create(t: NewToken): Promise<Token>;
  byHash(hash: string): Promise<Token | null>;
  get(id: string): Promise<Token | null>;
  /** One page, oldest first (page.ts). */
  page(q: PageQuery): Promise<Page<Token>>;
  /**
   * Deletes the token in one transaction that locks every admin token row
   * first, so two revokes of the last two admin tokens run in turn and the
   * second sees one admin left: `last-admin` (nothing deleted) when the
   * token is the only admin token, `missing` when there is no such token.
   */
  revoke(id: string): Promise<RevokeOutcome>;
  count(role: TokenRole): Promise<number>;
  /**
   * Stores `t` if there is no admin token yet, running `keep` (which saves
   * its secret) before the insert commits: controllers starting together on
   * one empty database create one token between them, and a secret that
   * could not be saved leaves no token behind. Returns whether it did.
   */
  createFirstAdmin(t: NewToken, keep: () => Promise<void>): Promise<boolean>;
}
