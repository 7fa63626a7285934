import { tokenRoutes } from '../../api/routes/tokens.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import { newSecret, requireRole } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { LIST_KEYS, pageOut, pageQuery } from '../pagination.js';
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
    const b = c.req.valid('json');
    const { secret, hash } = newSecret(deps.ids);
    const t = await deps.store.tokens.create({
      id: deps.ids.uuid(),
      name: b.name,
      role: b.role,
      tenant: b.tenant ?? null,
      host: b.host ?? null,
      hash,
      domainPolicy: b.domainPolicy,
      now: new Date(deps.now()).toISOString(),
    });
    return c.json({ ...tokenOut(t), token: secret }, 201);
  });

  app.openapi(tokenRoutes.remove, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    const target = await deps.store.tokens.get(id);
    if (target?.role === 'admin' && (await deps.store.tokens.count('admin')) <= 1) {
      throw new VfleetError(
        'CONFLICT',
        'this is the last admin token; create another before revoking it',
      );
    }
    if (!(await deps.store.tokens.remove(id))) throw new VfleetError('NOT_FOUND', `no token ${id}`);
    return c.body(null, 204);
  });
}
