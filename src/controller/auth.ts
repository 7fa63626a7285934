import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { VfleetError } from '../core/errors.js';
import type { Token, TokenRole } from '../core/fleet/model.js';
import type { TokenStore } from '../core/fleet/token-store.js';
import type { AppEnv, IdSource } from './controller-deps.js';

/** 32 random bytes; only their sha256 is stored, so a database leak gives no usable token. */
export function newSecret(ids: IdSource): { secret: string; hash: string } {
  const secret = `vfl_${Buffer.from(ids.bytes(32)).toString('base64url')}`;
  return { secret, hash: hashSecret(secret) };
}

export const hashSecret = (secret: string): string =>
  createHash('sha256').update(secret).digest('hex');

export function bearerAuth(tokens: TokenStore): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) throw new VfleetError('UNAUTHORIZED', 'send Authorization: Bearer <token>');
    const token = await tokens.byHash(hashSecret(m[1]));
    if (token === null) throw new VfleetError('UNAUTHORIZED', 'unknown or revoked token');
    c.set('principal', token);
    await next();
  };
}

export function requireRole(p: Token, ...roles: TokenRole[]): void {
  if (!roles.includes(p.role)) {
    throw new VfleetError(
      'FORBIDDEN',
      `this needs a token with role ${roles.join(' or ')}, not ${p.role}`,
    );
  }
}

/** The tenant whose objects a token sees; null = all (admin). */
export const tenantScope = (p: Token): string | null => (p.role === 'admin' ? null : p.tenant);

/** The item if this caller may see it; NOT_FOUND otherwise (a tenant never learns others' ids exist). */
export function seenBy<T extends { tenant: string }>(
  who: Token,
  item: T | null,
  what: string,
  id: string,
): T {
  const scope = tenantScope(who);
  if (item === null || (scope !== null && scope !== item.tenant))
    throw new VfleetError('NOT_FOUND', `no ${what} ${id}`);
  return item;
}

/** An agent token reports only for its own host. */
export function requireHost(p: Token, host: string): void {
  if (p.role === 'admin') return;
  requireRole(p, 'agent');
  if (p.host !== host)
    throw new VfleetError(
      'FORBIDDEN',
      `this agent token is for host ${p.host ?? '?'}, not ${host}`,
    );
}
