import { VfleetError } from '../core/errors.js';
import type { ApiClient } from './api-client.js';

/**
 * Objects the API addresses by id (specs, networks, instances, tokens) are
 * named by the operator: `ref` is tried as an id, then as a name. Two
 * objects with that name (networks of two tenants, seen by an admin) are a
 * CONFLICT that asks for the id.
 */
export async function lookup<T extends { id: string; name: string }>(
  api: ApiClient,
  collection: string,
  ref: string,
  what: string,
): Promise<T> {
  try {
    return await api.get<T>(`${collection}/${encodeURIComponent(ref)}`);
  } catch (e) {
    if (!(e instanceof VfleetError) || e.code !== 'NOT_FOUND') throw e;
  }
  return lookupInList<T>(api, collection, ref, what);
}

/** Like lookup, for collections without a GET by id (tokens). */
export async function lookupInList<T extends { id: string; name: string }>(
  api: ApiClient,
  collection: string,
  ref: string,
  what: string,
): Promise<T> {
  const all = await api.list<T>(collection);
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

export const seg = (s: string): string => encodeURIComponent(s);
