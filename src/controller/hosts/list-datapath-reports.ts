import type { z } from '@hono/zod-openapi';
import type { pageQuerySchema } from '../../api/schemas/pages.js';
import { VfleetError } from '../../core/errors.js';
import type { ControllerDeps } from '../controller-deps.js';
import { LIST_KEYS, pageOut, pageQuery } from '../pagination.js';
import { datapathSummaryOut } from '../views-datapath.js';

/** `GET /v1/hosts/{id}/datapath-reports`: newest first, each without its figures. */
export async function listDatapathReports(
  deps: ControllerDeps,
  host: string,
  q: z.infer<typeof pageQuerySchema>,
) {
  const page = await deps.store.datapathReports.page(host, pageQuery(LIST_KEYS.datapathReports, q));
  // An empty first page of an unknown host is a typo, told as such.
  if (page.items.length === 0 && (await deps.store.hosts.get(host)) === null)
    throw new VfleetError('NOT_FOUND', `no host ${host}`);
  return pageOut(LIST_KEYS.datapathReports, page, datapathSummaryOut);
}
