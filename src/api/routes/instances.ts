import { createRoute } from '@hono/zod-openapi';
import { errorResponses, idParam, jsonBody, jsonOk, security } from '../schemas/common.js';
import { idempotencyHeaders, instanceCreateSchema, instanceSchema } from '../schemas/instances.js';
import { instanceListQuery } from '../schemas/list-queries.js';
import { pageSchema } from '../schemas/pages.js';
import { domainXmlSchema, guestSeedSchema } from '../schemas/vms.js';

export const instanceRoutes = {
  create: createRoute({
    method: 'post',
    path: '/v1/instances',
    tags: ['instances'],
    security,
    summary: 'Schedule an instance and claim a VF for each of its ports, all or nothing',
    description:
      'Answers 201 with the chosen host and, per port, the VF PCI address, PF, MAC and VLAN; or 409 NO_CAPACITY naming what was missing. VF ports bypass the host bridge: security groups cannot apply to them. With an `Idempotency-Key`, a retry of the same request answers with the instance the first one created (header `Idempotent-Replayed: true`) instead of creating another.',
    request: { body: jsonBody(instanceCreateSchema), headers: idempotencyHeaders },
    responses: {
      201: jsonOk(instanceSchema, 'The instance, its host and its ports'),
      ...errorResponses,
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/instances',
    tags: ['instances'],
    security,
    summary: 'List instances, oldest first (a tenant sees its own)',
    request: { query: instanceListQuery },
    responses: {
      200: jsonOk(pageSchema(instanceSchema, 'InstancePage'), 'Instances'),
      ...errorResponses,
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/instances/{id}',
    tags: ['instances'],
    security,
    summary: 'One instance with its ports',
    request: { params: idParam },
    responses: { 200: jsonOk(instanceSchema, 'The instance'), ...errorResponses },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/v1/instances/{id}',
    tags: ['instances'],
    security,
    summary: 'Release an instance: its VFs are reset by the agent before anyone gets them again',
    request: { params: idParam },
    responses: {
      202: jsonOk(
        instanceSchema,
        'Deleting: the agent removes the domain, then the VFs are released',
      ),
      204: { description: 'Released' },
      ...errorResponses,
    },
  }),
  xml: createRoute({
    method: 'get',
    path: '/v1/instances/{id}/xml',
    tags: ['instances'],
    security,
    summary: "The libvirt domain XML the host's agent defines for the instance",
    request: { params: idParam },
    responses: {
      200: jsonOk(domainXmlSchema, 'Domain XML and NUMA placement'),
      ...errorResponses,
    },
  }),
  cloudInit: createRoute({
    method: 'get',
    path: '/v1/instances/{id}/cloud-init',
    tags: ['instances'],
    security,
    summary: "The cloud-init NoCloud seed of a booted instance's guest configuration",
    description:
      'For an instance booted with `boot.guestConfig` (e.g. `router`): the three files of the NoCloud seed that the agent of its host writes on a volume labelled `cidata` and the domain attaches as a read-only CD-ROM, which the guest reads at boot (here to inspect it, or to attach it by hand where no agent does). 409 CONFLICT for an instance without a guest configuration.',
    request: { params: idParam },
    responses: {
      200: jsonOk(guestSeedSchema, 'meta-data, user-data and network-config'),
      ...errorResponses,
    },
  }),
};
