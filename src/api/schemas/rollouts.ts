import { z } from '@hono/zod-openapi';
import {
  parseMaxUnavailable,
  ROLLOUT_HOST_STATES,
  ROLLOUT_STATES,
} from '../../core/fleet/rollout.js';

export const rolloutPolicySchema = z
  .object({
    maxUnavailable: z
      .union([z.int('must be a whole number'), z.string()])
      .transform((v, ctx) => {
        const text = String(v);
        if (parseMaxUnavailable(text) === null) {
          ctx.addIssue({
            code: 'custom',
            message: `"${text}" is neither a host count (1 or more) nor a percentage (1% to 100%)`,
          });
          return z.NEVER;
        }
        return text.trim();
      })
      .default('25%')
      .openapi({
        type: 'string',
        example: '25%',
        description:
          'hosts updating at once: a count, or a percentage of the rollout (default 25%)',
      }),
    canary: z
      .int('must be a whole number')
      .min(0, 'canary must be 0 to 1000')
      .max(1000, 'canary must be 0 to 1000')
      .default(1)
      .openapi({ description: 'hosts in the first wave, alone (default 1; 0: none)' }),
    evacuate: z.boolean().default(false).openapi({
      description:
        "live-migrate the instances whose VFs a host's change would take, instead of leaving that host until they are gone",
    }),
  })
  .strict()
  .openapi('RolloutPolicy');

export const rolloutHostSchema = z
  .object({
    host: z.string(),
    wave: z.number().int().nullable(),
    state: z.enum(ROLLOUT_HOST_STATES),
    targetGeneration: z.number().int().nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    message: z.string().nullable(),
    instances: z.array(z.string()).openapi({
      description: 'refused or evacuating: the instances holding VFs the change would take',
    }),
  })
  .openapi('RolloutHost');

export const rolloutSchema = z
  .object({
    id: z.string(),
    spec: z.string(),
    specName: z.string(),
    state: z.enum(ROLLOUT_STATES),
    maxUnavailable: z.string(),
    canary: z.number().int(),
    evacuate: z.boolean(),
    wave: z.number().int().openapi({ description: 'waves released so far' }),
    message: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
    counts: z
      .record(z.enum(ROLLOUT_HOST_STATES), z.number().int())
      .openapi({ description: 'hosts by state' }),
  })
  .openapi('Rollout');

export const rolloutDetailSchema = rolloutSchema
  .extend({
    change: z.object({ before: z.unknown(), after: z.unknown() }).openapi({
      description: 'the spec before and after the change',
    }),
    hosts: z.array(rolloutHostSchema),
  })
  .openapi('RolloutDetail');

export const resumeBodySchema = z
  .object({
    skipFailed: z.boolean().default(false).openapi({
      description:
        'skip the failed hosts; otherwise they apply their state again and are gated from now',
    }),
  })
  .strict()
  .openapi('RolloutResume');

export const emptyBodySchema = z.object({}).strict().openapi('RolloutStep');
