import { createRoute, z } from '@hono/zod-openapi';
import {
  appliedSchema,
  desiredAnswerSchema,
  desiredQuerySchema,
  heartbeatAnswerSchema,
  heartbeatSchema,
  registerSchema,
  reportAnswerSchema,
  reportSchema,
} from '../schemas/agent.js';
import { errorResponses, idParam, jsonBody, jsonOk, security } from '../schemas/common.js';
import { hostSchema } from '../schemas/hosts.js';
import { taskResultSchema } from '../schemas/vms.js';

export const agentRoutes = {
  register: createRoute({
    method: 'post',
    path: '/v1/agent/register',
    tags: ['agent'],
    security,
    summary: "Register the agent's host (agent token for that host)",
    request: { body: jsonBody(registerSchema) },
    responses: { 200: jsonOk(hostSchema, 'The host'), ...errorResponses },
  }),
  report: createRoute({
    method: 'post',
    path: '/v1/agent/hosts/{id}/report',
    tags: ['agent'],
    security,
    summary: 'Report inventory (vfleet host scan JSON) and doctor findings',
    request: { params: idParam, body: jsonBody(reportSchema) },
    responses: {
      200: jsonOk(reportAnswerSchema, 'The host, and the digest of the report it holds'),
      ...errorResponses,
    },
  }),
  heartbeat: createRoute({
    method: 'post',
    path: '/v1/agent/hosts/{id}/heartbeat',
    tags: ['agent'],
    security,
    summary: 'The host is alive and its last report still holds (by its digest)',
    request: { params: idParam, body: jsonBody(heartbeatSchema) },
    responses: {
      200: jsonOk(heartbeatAnswerSchema, 'Recorded, or the full report is needed'),
      ...errorResponses,
    },
  }),
  desired: createRoute({
    method: 'get',
    path: '/v1/agent/hosts/{id}/desired',
    tags: ['agent'],
    security,
    summary: 'The state to apply; long-polls up to waitSeconds for a generation above `after`',
    request: { params: idParam, query: desiredQuerySchema },
    responses: {
      200: jsonOk(desiredAnswerSchema, 'Desired state (or, brief, unchanged)'),
      ...errorResponses,
    },
  }),
  applied: createRoute({
    method: 'post',
    path: '/v1/agent/hosts/{id}/applied',
    tags: ['agent'],
    security,
    summary: 'Report the result of applying a generation',
    request: { params: idParam, body: jsonBody(appliedSchema) },
    responses: { 200: jsonOk(hostSchema, 'The host'), ...errorResponses },
  }),
  taskDone: createRoute({
    method: 'post',
    path: '/v1/agent/hosts/{id}/tasks/{task}',
    tags: ['agent'],
    security,
    summary: 'Report the result of a hypervisor task',
    request: {
      params: idParam.extend({ task: z.string().min(1).max(64) }),
      body: jsonBody(taskResultSchema),
    },
    responses: { 204: { description: 'Recorded' }, ...errorResponses },
  }),
};
