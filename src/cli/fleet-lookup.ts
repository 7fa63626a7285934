import { VfleetError } from '../core/errors.js';
import type { ApiClient } from '../api/client.js';
import type { InstanceView, NetworkView, SpecView, TokenView } from '../api/answers.js';
import { instanceRoutes } from '../api/routes/instances.js';
import { networkRoutes } from '../api/routes/networks.js';
import { specRoutes } from '../api/routes/specs.js';
import { tokenRoutes } from '../api/routes/tokens.js';

/**
 * Objects the API addresses by id (specs, networks, instances, tokens) are
 * named by the operator: `ref` is tried as an id, then as a name. Two
 * objects with that name (networks of two tenants, seen by an admin) are a
 * CONFLICT that asks for the id.
 */
async function lookup<T extends { id: string; name: string }>(
  byId: () => Promise<T>,
  all: () => Promise<T[]>,
  ref: string,
  what: string,
): Promise<T> {
  try {
    return await byId();
  } catch (e) {
    if (!(e instanceof VfleetError) || e.code !== 'NOT_FOUND') throw e;
  }
  return inList(await all(), ref, what);
}

export const findSpec = (api: ApiClient, ref: string): Promise<SpecView> =>
  lookup(
    () => api.call(specRoutes.get, { params: { id: ref } }),
    () => api.list(specRoutes.list, {}),
    ref,
    'spec',
  );

export const findNetwork = (api: ApiClient, ref: string): Promise<NetworkView> =>
  lookup(
    () => api.call(networkRoutes.get, { params: { id: ref } }),
    () => api.list(networkRoutes.list, {}),
    ref,
    'network',
  );

export const findInstance = (api: ApiClient, ref: string): Promise<InstanceView> =>
  lookup(
    () => api.call(instanceRoutes.get, { params: { id: ref } }),
    // The controller finds the name (an index), rather than every instance read here.
    () => api.list(instanceRoutes.list, { query: { name: ref } }),
    ref,
    'instance',
  );

/** Tokens have no GET by id: always from the list. */
export const findToken = async (api: ApiClient, ref: string): Promise<TokenView> =>
  inList(await api.list(tokenRoutes.list, {}), ref, 'token');

function inList<T extends { id: string; name: string }>(all: T[], ref: string, what: string): T {
  const byId = all.find((x) => x.id === ref);
  if (byId !== undefined) return byId;
  const named = all.filter((x) => x.name === ref);
  const [only] = named;
  if (only === undefined)
    throw new VfleetError('NOT_FOUND', `no ${what} with id or name "${ref}"`, { field: what });
  if (named.length > 1) {
    throw new VfleetError(
      'CONFLICT',
      `${named.length} ${what}s are named "${ref}"; use an id: ${named.map((x) => x.id).join(', ')}`,
      { field: what },
    );
  }
  return only;
}
