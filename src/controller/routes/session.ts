import type { OpenAPIHono } from '@hono/zod-openapi';
import { sessionRoutes } from '../../api/routes/session.js';
import { VfleetError } from '../../core/errors.js';
import type { Session } from '../../core/fleet/session-store.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { createSession } from '../sessions/create-session.js';
import { endSession } from '../sessions/end-session.js';
import { clearSessionCookie, setSessionCookie } from '../sessions/session-cookie.js';

export function registerSessionRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  app.openapi(sessionRoutes.create, async (c) => {
    const { session, secret } = await createSession(deps, c.req.valid('json').token);
    setSessionCookie(c, secret, Math.floor(deps.config.sessionTtlMs / 1000));
    return c.json(sessionOut(session), 201);
  });

  app.openapi(sessionRoutes.get, (c) => {
    const session = c.var.session;
    if (session === null)
      throw new VfleetError(
        'UNAUTHORIZED',
        'no dashboard session: this request came with a bearer token, not the session cookie',
      );
    return c.json(sessionOut(session), 200);
  });

  app.openapi(sessionRoutes.remove, async (c) => {
    // With a bearer token there is no session to end; the cookie is cleared all the same.
    if (c.var.session !== null) await endSession(deps, c.var.session);
    clearSessionCookie(c);
    return c.body(null, 204);
  });
}

const sessionOut = (s: Session) => ({
  role: s.token.role,
  tenant: s.token.tenant,
  tokenName: s.token.name,
  expiresAt: s.expiresAt,
  csrf: s.csrf,
});
