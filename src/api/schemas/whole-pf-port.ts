import type { z } from '@hono/zod-openapi';

interface PortFields {
  readonly vnicType: string;
  readonly mac?: string | undefined;
  readonly trusted: boolean;
  readonly maxTxRate: number;
  readonly minTxRate: number;
}

/**
 * A `direct-physical` port takes a whole PF: the host sets nothing on it.
 * The guest uses the PF's own (burned-in) MAC, and trust and rate limits
 * are per-VF settings of the PF's switch, so asking for them is refused
 * rather than silently ignored.
 */
export function checkWholePfPort(p: PortFields, i: number, ctx: z.RefinementCtx): void {
  if (p.vnicType !== 'direct-physical') return;
  const issue = (field: string, message: string) => {
    ctx.addIssue({ code: 'custom', path: ['ports', i, field], message });
  };
  if (p.mac !== undefined)
    issue(
      'mac',
      "a direct-physical port uses the PF's own MAC; the host cannot set another (leave mac out)",
    );
  if (p.trusted)
    issue('trusted', 'trust is a VF setting; a direct-physical port owns the whole PF');
  if (p.maxTxRate !== 0)
    issue('maxTxRate', 'rate limits are VF settings; a direct-physical port owns the whole PF');
  if (p.minTxRate !== 0)
    issue('minTxRate', 'rate limits are VF settings; a direct-physical port owns the whole PF');
}
