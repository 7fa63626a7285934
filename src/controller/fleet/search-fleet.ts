import type { z } from '@hono/zod-openapi';
import type { searchAnswerSchema } from '../../api/schemas/search.js';
import type { Token } from '../../core/fleet/model.js';
import { classifySearch, SEARCH_LIMIT } from '../../core/fleet/search-query.js';
import { tenantScope } from '../auth.js';
import type { ControllerDeps } from '../controller-deps.js';

type SearchAnswer = z.infer<typeof searchAnswerSchema>;

/**
 * `GET /v1/search?q=`: the text read as a MAC, PCI address, VLAN or names
 * and ids (core/fleet/search-query.ts), and the chains around each match.
 * A tenant token finds only its own ports, instances and networks.
 */
export async function searchFleet(
  deps: ControllerDeps,
  who: Token,
  text: string,
): Promise<SearchAnswer> {
  const query = classifySearch(text);
  const hits = await deps.store.search.search(query, tenantScope(who), SEARCH_LIMIT);
  return {
    query: text.trim(),
    matchedAs: query.kind,
    results: hits.map((h) => ({
      ...h,
      pf: h.pf === null ? null : { ...h.pf },
      vf: h.vf === null ? null : { ...h.vf },
      port: h.port === null ? null : { ...h.port },
      instance: h.instance === null ? null : { ...h.instance },
      network: h.network === null ? null : { ...h.network },
    })),
  };
}
