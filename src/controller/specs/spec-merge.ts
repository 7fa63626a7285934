import type { z } from '@hono/zod-openapi';
import type { DeviceSpec } from '../../core/fleet/model.js';
import { validationError } from '../http-errors.js';
import { specCreateSchema, type specUpdateSchema } from '../../api/schemas/catalog.js';

/**
 * A spec with a PATCH body laid over it, validated as a new spec would be
 * (the same schema, so the same fields are named): fields given replace
 * the spec's, a selector set to null is dropped, and one must remain.
 */
export function mergeSpec(cur: DeviceSpec, patch: z.infer<typeof specUpdateSchema>): DeviceSpec {
  const merged: Record<string, unknown> = { ...cur };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) merged[k] = v;
  const keys = Object.keys(specCreateSchema.shape);
  const body = Object.fromEntries(
    keys.flatMap((k) => (merged[k] === null || merged[k] === undefined ? [] : [[k, merged[k]]])),
  );
  const parsed = specCreateSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error, 'json');
  const data: Record<string, unknown> = parsed.data;
  return { ...cur, ...Object.fromEntries(keys.map((k) => [k, data[k] ?? null])) };
}
