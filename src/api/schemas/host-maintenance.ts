import { z } from '@hono/zod-openapi';
import { DRAIN_STATES } from '../../core/fleet/maintenance-store.js';
import { parseCpuList } from '../../core/pci-address.js';
import { labelsSchema, nameSchema, textSchema } from './common.js';

const reason = textSchema(200)
  .optional()
  .openapi({ description: 'why, for the people who find the host cordoned' });

export const cordonBodySchema = z.object({ reason }).openapi('CordonRequest');

/** Every POST carries a JSON body (request-guard.ts); uncordoning needs nothing in it. */
export const uncordonBodySchema = z.object({}).openapi('UncordonRequest');

export const hostCordonSchema = z
  .object({
    host: z.string(),
    cordoned: z.boolean(),
    reason: z.string().nullable(),
    since: z.string().nullable().openapi({ description: 'when it was first cordoned' }),
  })
  .openapi('HostCordon');

export const MAX_DRAIN_PARALLEL = 16;

export const drainBodySchema = z
  .object({
    maxParallel: z
      .int('must be a whole number')
      .min(1, `maxParallel must be 1 to ${MAX_DRAIN_PARALLEL}`)
      .max(MAX_DRAIN_PARALLEL, `maxParallel must be 1 to ${MAX_DRAIN_PARALLEL}`)
      .default(2)
      .openapi({ description: 'live migrations from the host at once (default 2)' }),
    reason,
  })
  .openapi('DrainRequest');

export const hostDrainSchema = z
  .object({
    host: z.string(),
    state: z.enum(DRAIN_STATES).openapi({
      description:
        'draining: instances left that can move; drained: none left; stuck: only instances that cannot move are left (blocked says why); cancelled: uncordoned first',
    }),
    maxParallel: z.number().int(),
    startedAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
    blocked: z
      .array(z.object({ instance: z.string(), name: z.string(), reason: z.string() }))
      .openapi({ description: 'instances that cannot move, each with why' }),
    message: z.string().nullable(),
  })
  .openapi('HostDrain');

const ratio = (what: string, max: number) =>
  z
    .number('must be a number')
    .gt(0, `${what} must be above 0 and at most ${max}`)
    .max(max, `${what} must be above 0 and at most ${max}`);

/** `0-1,8`, as the kernel writes CPU lists; at most 4096 CPUs. */
const cpuListText = z
  .string()
  .max(200, 'at most 200 characters')
  .transform((s, ctx) => {
    const cpus = parseCpuList(s);
    if (cpus === null || cpus.some((c) => c > 8191)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${s}" is not a CPU list like 0-1,8 (CPUs 0 to 8191)`,
      });
      return z.NEVER;
    }
    return cpus;
  });

export const allocationRuleBodySchema = z
  .object({
    host: nameSchema.optional().openapi({ description: 'the one host it governs' }),
    hostLabels: labelsSchema.optional().openapi({
      description: 'the hosts it governs: those with all these labels (none: every host)',
    }),
    cpuRatio: ratio('cpuRatio', 64).default(1).openapi({
      description: "vCPUs promised per host CPU (Nova's cpu_allocation_ratio; default 1)",
    }),
    memoryRatio: ratio('memoryRatio', 4)
      .default(1)
      .openapi({ description: "MiB promised per MiB (Nova's ram_allocation_ratio; default 1)" }),
    reservedCpus: cpuListText.optional().openapi({
      type: 'string',
      description: 'host CPUs kept for the host: no instance counts on them or is pinned to them',
      example: '0-1',
    }),
    reservedMemoryMb: z
      .int('must be a whole number')
      .min(0, 'reservedMemoryMb must be 0 to 16777216')
      .max(16_777_216, 'reservedMemoryMb must be 0 to 16777216')
      .default(0)
      .openapi({ description: "MiB kept for the host (Nova's reserved_host_memory_mb)" }),
  })
  .refine((b) => b.host === undefined || b.hostLabels === undefined, {
    message: 'a rule names one host or selects hosts by labels, not both',
    path: ['hostLabels'],
  })
  .openapi('AllocationRuleRequest');

export const allocationRuleSchema = z
  .object({
    name: z.string(),
    host: z.string().nullable(),
    hostLabels: z.record(z.string(), z.string()),
    cpuRatio: z.number(),
    memoryRatio: z.number(),
    reservedCpus: z.array(z.number().int()),
    reservedMemoryMb: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('AllocationRule');

export const ruleNameParam = z.object({
  name: nameSchema.openapi({ param: { name: 'name', in: 'path' } }),
});
