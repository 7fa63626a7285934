import type { TokenRole } from '../core/fleet/model.js';
import type { Json } from './controller-harness.js';
import type { FleetApi } from './fleet-sim.js';

/**
 * fleet-sim's view of a controller reached over real HTTP (another process,
 * or `vfleet controller` started by the CLI): calls with fetch, tokens
 * created through POST /v1/tokens with the admin token.
 */
export function httpFleet(url: string, admin: string): FleetApi {
  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: Json = {};
    if (text !== '') {
      try {
        parsed = JSON.parse(text) as Json;
      } catch {
        parsed = { text };
      }
    }
    return { status: res.status, body: parsed };
  };
  let n = 0;
  return {
    admin,
    call,
    async token(role: TokenRole, scope: { tenant?: string; host?: string } = {}) {
      const r = await call('POST', '/v1/tokens', admin, {
        name: `${role}-${Date.now()}-${n++}`,
        role,
        ...scope,
      });
      if (r.status !== 201) throw new Error(`token: ${r.status} ${JSON.stringify(r.body)}`);
      return String(r.body.token);
    },
  };
}
