import { tokenRoutes } from '../../api/routes/tokens.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { requireRole } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { LIST_KEYS, pageOut, pageQuery } from '../pagination.js';
import { createToken } from '../tokens/create-token.js';
import { revokeToken } from '../tokens/revoke-token.js';
import { tokenOut } from '../views.js';

export function registerTokenRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  app.openapi(tokenRoutes.list, async (c) => {
    requireRole(c.var.principal, 'admin');
    const key = LIST_KEYS.tokens;
    const page = await deps.store.tokens.page(pageQuery(key, c.req.valid('query')));
    return c.json(pageOut(key, page, tokenOut), 200);
  });

  app.openapi(tokenRoutes.create, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { token, secret } = await createToken(deps, c.req.valid('json'));
    return c.json({ ...tokenOut(token), token: secret }, 201);
  });

  app.openapi(tokenRoutes.remove, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    await revokeToken(deps, id);
    return c.body(null, 204);
  });
}
