import type { OpenAPIHono } from '@hono/zod-openapi';
import { datapathRoutes } from '../../api/routes/datapath.js';
import { requireHost } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { getDatapathReport } from '../hosts/get-datapath-report.js';
import { listDatapathReports } from '../hosts/list-datapath-reports.js';
import { recordDatapathReport } from '../hosts/record-datapath-report.js';
import { datapathEntryOut, datapathSummaryOut } from '../views-datapath.js';

/**
 * A host's datapath reports. `vfleet bench datapath` runs on the host and
 * uploads with the host's agent token, so, as for the agent's reports, an
 * agent token reaches its own host's and an admin every host's; tenants
 * none (their figures describe the fleet's hardware, not a tenant's objects).
 */
export function registerDatapathRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  app.openapi(datapathRoutes.upload, async (c) => {
    const { id } = c.req.valid('param');
    requireHost(c.var.principal, id);
    const stored = await recordDatapathReport(deps, id, c.req.valid('json'));
    return c.json(datapathSummaryOut(stored), 201);
  });

  app.openapi(datapathRoutes.list, async (c) => {
    const { id } = c.req.valid('param');
    requireHost(c.var.principal, id);
    return c.json(await listDatapathReports(deps, id, c.req.valid('query')), 200);
  });

  // Before `/{report}`: "latest" is no report id.
  app.openapi(datapathRoutes.latest, async (c) => {
    const { id } = c.req.valid('param');
    requireHost(c.var.principal, id);
    return c.json(datapathEntryOut(await getDatapathReport(deps, id, 'latest')), 200);
  });

  app.openapi(datapathRoutes.get, async (c) => {
    const { id, report } = c.req.valid('param');
    requireHost(c.var.principal, id);
    return c.json(datapathEntryOut(await getDatapathReport(deps, id, report)), 200);
  });
}
