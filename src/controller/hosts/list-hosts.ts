import type { z } from '@hono/zod-openapi';
import type { hostListQuery } from '../../api/schemas/list-queries.js';
import type { hostSummarySchema } from '../../api/schemas/hosts.js';
import { NO_VFS, problemCount } from '../../core/fleet/host-query.js';
import type { HostFilter } from '../../core/fleet/host-query.js';
import type { ControllerDeps } from '../controller-deps.js';
import { splitLabel } from '../list-filters.js';
import { pageOut, pageQuery } from '../pagination.js';
import type { ListKey } from '../pagination.js';
import { hostOut } from '../views.js';

type HostListQuery = z.output<typeof hostListQuery>;
type HostSummary = z.infer<typeof hostSummarySchema>;

/**
 * The cursor's list: its sort and filters are part of its name, so a
 * cursor only continues the walk it came from (another sort or filter
 * would skip or repeat hosts) and any other is refused naming query.cursor.
 * The plain list keeps the name `hosts`, and so its cursors.
 */
export function hostListKey(f: HostFilter): ListKey {
  const asked: [string, string][] = [];
  if (f.sort !== 'id') asked.push(['sort', f.sort]);
  if (f.label !== null) asked.push(['label', `${f.label[0]}=${f.label[1]}`]);
  if (f.text !== null) asked.push(['q', f.text]);
  if (f.health !== null) asked.push(['health', f.health]);
  if (f.ready !== null) asked.push(['ready', String(f.ready)]);
  const list = asked.length === 0 ? 'hosts' : `hosts?${new URLSearchParams(asked).toString()}`;
  return { list, parts: f.sort === 'lastSeen' || f.sort === '-lastSeen' ? ['t', 's'] : ['s'] };
}

/**
 * `GET /v1/hosts`: one page of hosts, filtered and sorted in the store's
 * query, each with its PF and VF counts (one grouped query for the page)
 * and how many of its findings need someone.
 */
export async function listHosts(deps: ControllerDeps, query: HostListQuery) {
  const staleBefore = new Date(deps.now() - deps.config.staleAfterMs).toISOString();
  const filter: HostFilter = {
    label: query.label === undefined ? null : splitLabel(query.label),
    text: query.q === undefined ? null : query.q.toLowerCase(),
    health: query.health ?? null,
    ready: query.ready === undefined ? null : query.ready === 'true',
    sort: query.sort ?? 'id',
    staleBefore,
  };
  const key = hostListKey(filter);
  const page = await deps.store.hosts.page(pageQuery(key, query), filter);
  const counts = new Map(
    (await deps.store.hosts.counts(page.items.map((h) => h.id))).map((c) => [c.hostId, c]),
  );
  return pageOut(key, page, (h): HostSummary => {
    const c = counts.get(h.id);
    return {
      ...hostOut(h, staleBefore),
      pfCount: c?.pfCount ?? 0,
      vfCounts: { ...(c?.vfs ?? NO_VFS) },
      findingCount: problemCount(h.findings),
    };
  });
}
