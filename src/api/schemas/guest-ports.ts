import { z } from '@hono/zod-openapi';
import { ipPrefixProblem } from '../../core/ip-prefix.js';

/** A port's guest-side addresses (CIDR), for the guest configuration `boot.guestConfig` renders. */
export const addressesSchema = z
  .array(
    z.string().superRefine((s, ctx) => {
      const why = ipPrefixProblem(s);
      if (why !== null) ctx.addIssue({ code: 'custom', message: why });
    }),
  )
  .min(1)
  .max(16, 'at most 16 addresses per port')
  .openapi({
    description:
      'static addresses with prefix length (10.0.1.1/24, 2001:db8::1/64) the guest configures on this port, matched by its MAC; needs boot.guestConfig',
    example: ['10.0.1.1/24'],
  });

interface GuestPortFields {
  readonly vnicType: string;
  readonly spoofchk?: boolean | undefined;
  readonly addresses?: readonly string[] | undefined;
}

/** VF ports: the only ones whose source MAC the NIC's switch can check. */
const VF_PORTS = new Set(['direct', 'macvtap', 'vdpa']);

/**
 * Spoof checking is a VF setting: asked of a bridge port or a whole PF it
 * could not be honoured, so it is refused rather than ignored. Addresses
 * reach the guest only through a guest configuration, matched by the
 * port's MAC: a whole PF's MAC is its own, unknown to vfleet.
 */
export function checkGuestPort(
  p: GuestPortFields,
  i: number,
  guestConfig: string | undefined,
  ctx: z.RefinementCtx,
): void {
  const issue = (field: string, message: string) => {
    ctx.addIssue({ code: 'custom', path: ['ports', i, field], message });
  };
  if (p.spoofchk !== undefined && !VF_PORTS.has(p.vnicType))
    issue(
      'spoofchk',
      `spoof checking is a VF setting; a ${p.vnicType} port has none (use vnic direct, macvtap or vdpa)`,
    );
  if (p.addresses === undefined) return;
  if (p.vnicType === 'direct-physical')
    issue(
      'addresses',
      "a direct-physical port keeps the PF's own MAC, which the guest configuration cannot match",
    );
  else if (guestConfig === undefined)
    issue(
      'addresses',
      'addresses reach the guest through its guest configuration: give boot.guestConfig (e.g. router)',
    );
}
