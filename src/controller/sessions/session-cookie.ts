import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { VfleetError } from '../../core/errors.js';
import type { Session } from '../../core/fleet/session-store.js';
import type { AppEnv } from '../controller-deps.js';

/** The dashboard's session cookie (docs/security.md, "Dashboard sessions"). */
export const SESSION_COOKIE = 'vfleet_session';
/** What a cookie-authenticated write must carry: the session's CSRF secret. */
export const CSRF_HEADER = 'x-vfleet-csrf';

/** Methods a cookie may use without the CSRF header: they change nothing. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * HttpOnly (no script reads it), SameSite=Strict (no other site's page
 * sends it), the whole site, and Secure when the request came over https:
 * on plain http a Secure cookie would never come back.
 */
export function setSessionCookie(c: Context<AppEnv>, secret: string, maxAgeSeconds: number): void {
  setCookie(c, SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    maxAge: maxAgeSeconds,
    secure: new URL(c.req.url).protocol === 'https:',
  });
}

/** Tells the browser to forget the cookie (Max-Age=0), with the flags it was set with. */
export function clearSessionCookie(c: Context<AppEnv>): void {
  setSessionCookie(c, '', 0);
}

export const sessionCookieOf = (c: Context<AppEnv>): string | undefined =>
  getCookie(c, SESSION_COOKIE);

/**
 * A cookie rides along on any request the browser makes, a forged one
 * included; the CSRF secret only the page itself read can be sent as a
 * header. Compared in constant time.
 */
export function checkCsrf(c: Context<AppEnv>, session: Session): void {
  if (SAFE_METHODS.has(c.req.method)) return;
  const sent = c.req.header(CSRF_HEADER);
  const ok = sent !== undefined && sameText(sent, session.csrf);
  if (!ok) {
    throw new VfleetError(
      'FORBIDDEN',
      sent === undefined
        ? `a write with the session cookie must send the header ${CSRF_HEADER} (the csrf of GET /v1/session)`
        : `header ${CSRF_HEADER} does not match this session's csrf (GET /v1/session)`,
      { field: `header.${CSRF_HEADER}` },
    );
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
