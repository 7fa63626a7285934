import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { VfleetError } from '../core/errors.js';
import type { Token, TokenRole } from '../core/fleet/model.js';
import type { Session } from '../core/fleet/session-store.js';
import type { AppEnv, ControllerDeps, IdSource } from './controller-deps.js';
import { checkCsrf, clearSessionCookie, sessionCookieOf } from './sessions/session-cookie.js';

/** Signing in is the one /v1 request that needs no credential. */
const SIGN_IN_PATH = '/v1/session';

/** 32 random bytes; only their sha256 is stored, so a database leak gives no usable token. */
export function newSecret(ids: IdSource): { secret: string; hash: string } {
  const secret = `vfl_${Buffer.from(ids.bytes(32)).toString('base64url')}`;
  return { secret, hash: hashSecret(secret) };
}

export const hashSecret = (secret: string): string =>
  createHash('sha256').update(secret).digest('hex');

/**
 * Who is asking: `Authorization: Bearer <token>` (CLI, agents, scripts), or
 * else the dashboard's session cookie, which acts as the token it was made
 * from and, for a write, needs its CSRF header too. A token is never taken
 * from the URL. `POST /v1/session` (signing in) needs neither.
 */
export function requestAuth(deps: ControllerDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('session', null);
    if (c.req.method === 'POST' && c.req.path === SIGN_IN_PATH) {
      await next();
      return;
    }
    const header = c.req.header('authorization');
    if (header === undefined && sessionCookieOf(c) !== undefined) {
      const session = await cookieSession(deps, c);
      checkCsrf(c, session);
      c.set('principal', session.token);
      c.set('session', session);
    } else {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
      if (!m?.[1])
        throw new VfleetError(
          'UNAUTHORIZED',
          'send Authorization: Bearer <token>, or sign in to the dashboard (POST /v1/session)',
        );
      const token = await deps.tokenCache.lookup(hashSecret(m[1]), (h) =>
        deps.store.tokens.byHash(h),
      );
      if (token === null) throw new VfleetError('UNAUTHORIZED', 'unknown or revoked token');
      c.set('principal', token);
    }
    await next();
  };
}

/** The cookie's live session; an unknown or expired one is refused and the cookie cleared. */
async function cookieSession(deps: ControllerDeps, c: Context<AppEnv>): Promise<Session> {
  const session = await deps.store.sessions.byHash(hashSecret(sessionCookieOf(c) ?? ''));
  const now = deps.now();
  if (session !== null && Date.parse(session.expiresAt) > now) return session;
  clearSessionCookie(c);
  throw new VfleetError(
    'UNAUTHORIZED',
    session === null
      ? 'this dashboard session has ended (signed out, or its token was revoked); sign in again'
      : `this dashboard session expired at ${session.expiresAt}; sign in again`,
  );
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
