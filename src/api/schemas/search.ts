import { z } from '@hono/zod-openapi';
import { VF_STATES, VNIC_TYPES } from '../../core/vocabulary.js';

export const SEARCH_MATCHES = [
  'mac',
  'pci',
  'instance',
  'port',
  'vlan',
  'network',
  'host',
] as const;
export const SEARCH_KINDS = ['mac', 'pci', 'vlan', 'text'] as const;
export const MAX_SEARCH_HITS = 50;

export const searchQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1, 'q: type a MAC, PCI address, VLAN, instance, port, network or host')
    .max(200, 'q has at most 200 characters')
    .openapi({ param: { name: 'q', in: 'query' }, example: 'fa:16:3e:12:34:56' }),
});

/** One match with its whole chain: host → NUMA node → PF → VF → port → instance → network → tenant. */
export const searchHitSchema = z
  .object({
    match: z.enum(SEARCH_MATCHES).openapi({ description: 'which part of the chain matched' }),
    host: z.string().nullable(),
    numaNode: z.number().nullable(),
    pf: z.object({ pciAddress: z.string(), ifname: z.string().nullable() }).nullable(),
    vf: z
      .object({ index: z.number(), pciAddress: z.string(), state: z.enum(VF_STATES) })
      .nullable(),
    port: z
      .object({ id: z.string(), mac: z.string().nullable(), vnicType: z.enum(VNIC_TYPES) })
      .nullable(),
    instance: z.object({ id: z.string(), name: z.string(), state: z.string() }).nullable(),
    network: z
      .object({ id: z.string(), name: z.string(), vlan: z.number(), physnet: z.string() })
      .nullable(),
    tenant: z.string().nullable(),
  })
  .openapi('SearchHit');

export const searchAnswerSchema = z
  .object({
    query: z.string(),
    matchedAs: z.enum(SEARCH_KINDS),
    results: z.array(searchHitSchema).max(MAX_SEARCH_HITS),
  })
  .openapi('SearchAnswer');
