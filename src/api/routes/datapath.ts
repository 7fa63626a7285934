import { createRoute } from '@hono/zod-openapi';
import { errorResponses, idParam, jsonBody, jsonOk, security } from '../schemas/common.js';
import {
  datapathReportEntrySchema,
  datapathReportParam,
  datapathReportSchema,
  datapathReportSummarySchema,
} from '../schemas/datapath.js';
import { pageQuerySchema, pageSchema } from '../schemas/pages.js';

/** `vfleet bench datapath` reports, kept per host (docs/datapath.md). */
export const datapathRoutes = {
  upload: createRoute({
    method: 'post',
    path: '/v1/hosts/{id}/datapath-reports',
    tags: ['hosts'],
    security,
    summary:
      "Store a host's datapath report (vfleet bench datapath); the newest 20 per host are kept (admin, agent of the host)",
    request: { params: idParam, body: jsonBody(datapathReportSchema) },
    responses: {
      201: jsonOk(datapathReportSummarySchema, 'The report, stored'),
      ...errorResponses,
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/hosts/{id}/datapath-reports',
    tags: ['hosts'],
    security,
    summary:
      "The host's datapath reports, newest first, without their figures (admin, agent of the host)",
    request: { params: idParam, query: pageQuerySchema },
    responses: {
      200: jsonOk(pageSchema(datapathReportSummarySchema, 'DatapathReportPage'), 'Reports'),
      ...errorResponses,
    },
  }),
  latest: createRoute({
    method: 'get',
    path: '/v1/hosts/{id}/datapath-reports/latest',
    tags: ['hosts'],
    security,
    summary:
      "The host's newest datapath report, whole; 404 when it has none (admin, agent of the host)",
    request: { params: idParam },
    responses: { 200: jsonOk(datapathReportEntrySchema, 'The report'), ...errorResponses },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/hosts/{id}/datapath-reports/{report}',
    tags: ['hosts'],
    security,
    summary: "One of the host's datapath reports by its id, whole (admin, agent of the host)",
    request: { params: datapathReportParam },
    responses: { 200: jsonOk(datapathReportEntrySchema, 'The report'), ...errorResponses },
  }),
};
