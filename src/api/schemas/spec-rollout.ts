import { z } from '@hono/zod-openapi';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './pages.js';

export const specRolloutQuerySchema = z.object({
  limit: z.coerce
    .number('must be a number')
    .int('must be a whole number')
    .min(1, `limit must be 1 to ${MAX_PAGE_LIMIT}`)
    .max(MAX_PAGE_LIMIT, `limit must be 1 to ${MAX_PAGE_LIMIT}`)
    .optional()
    .openapi({
      param: { name: 'limit', in: 'query' },
      description: `hosts listed (default ${DEFAULT_PAGE_LIMIT}, at most ${MAX_PAGE_LIMIT}); the counts are of all`,
    }),
});

const hostRolloutSchema = z.object({
  host: z.string(),
  pfs: z.number().int().openapi({ description: 'PFs the spec governs on the host' }),
  declaredVfs: z.number().int().openapi({ description: 'VFs the spec declares on them' }),
  madeVfs: z
    .number()
    .int()
    .openapi({ description: 'of those, VFs made (at most declared per PF)' }),
  wholePfs: z.number().int().openapi({ description: 'PFs offered or held whole (no VFs)' }),
  pfsMade: z.boolean().openapi({
    description: 'every PF has exactly its declared VFs, in the kernel and as reported',
  }),
  appliedGeneration: z.number().int(),
  desiredGeneration: z.number().int(),
  lastApplyMessage: z.string().nullable().openapi({
    description: "what the agent said of its last apply (a failure's reason while not applied)",
  }),
  done: z
    .boolean()
    .openapi({ description: 'pfsMade, and the agent applied its latest generation' }),
});

export const specRolloutSchema = z
  .object({
    spec: z.string().openapi({ description: 'the spec, by id' }),
    hosts: z.number().int().openapi({ description: 'hosts with PFs the spec governs' }),
    done: z.number().int().openapi({ description: 'of those, hosts done' }),
    first: z.array(hostRolloutSchema).openapi({
      description: 'the first `limit` of those hosts, the ones not done first, each by id',
    }),
  })
  .openapi('SpecRollout');
