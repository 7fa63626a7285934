import { z } from '@hono/zod-openapi';
import { INSTANCE_STATES } from '../../core/fleet/model.js';
import {
  SEARCH_LIMIT,
  SEARCH_MATCHED_AS,
  SEARCH_MATCHES,
  SEARCH_MAX_CHARS,
} from '../../core/fleet/search-query.js';
import { VF_STATES, VNIC_TYPES } from '../../core/vocabulary.js';

export const searchQuerySchema = z.object({
  q: z
    .string('give the text to look for')
    .trim()
    .min(1, 'give the text to look for')
    .max(SEARCH_MAX_CHARS, `at most ${SEARCH_MAX_CHARS} characters`)
    .openapi({
      param: { name: 'q', in: 'query' },
      description:
        'a MAC (any case, `:` or `-`), a PCI address (`0000:3b:02.1` or `3b:02.1`), a VLAN, an instance name or id, a port id, a network name or id, or (admin) a host id',
      example: 'fa:16:3e:00:00:01',
    }),
});

export const searchHitSchema = z
  .object({
    match: z.enum(SEARCH_MATCHES).openapi({ description: 'what the query matched' }),
    host: z.string().nullable(),
    numaNode: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "the PF's NUMA node; else the instance's placement" }),
    pf: z.object({ pciAddress: z.string(), ifname: z.string().nullable() }).nullable(),
    vf: z
      .object({ index: z.number().int(), pciAddress: z.string(), state: z.enum(VF_STATES) })
      .nullable(),
    port: z
      .object({ id: z.string(), mac: z.string().nullable(), vnicType: z.enum(VNIC_TYPES) })
      .nullable(),
    instance: z
      .object({ id: z.string(), name: z.string(), state: z.enum(INSTANCE_STATES) })
      .nullable(),
    network: z
      .object({ id: z.string(), name: z.string(), vlan: z.number().int(), physnet: z.string() })
      .nullable(),
    tenant: z.string().nullable(),
  })
  .openapi('SearchHit');

export const searchAnswerSchema = z
  .object({
    query: z.string().openapi({ description: 'the text searched for, trimmed' }),
    matchedAs: z.enum(SEARCH_MATCHED_AS).openapi({
      description: 'how the text was read: a MAC, a PCI address, a VLAN, or names and ids',
    }),
    results: z
      .array(searchHitSchema)
      .max(SEARCH_LIMIT)
      .openapi({
        description: `at most ${SEARCH_LIMIT}: each the whole chain host → NUMA node → PF → VF → port → instance → network → tenant`,
      }),
  })
  .openapi('SearchAnswer');
