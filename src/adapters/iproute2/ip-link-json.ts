import { z } from 'zod';
import type { LinkPortFacts, VfLinkFacts } from '../../core/host-facts.js';
import { VfleetError } from '../../core/errors.js';

/**
 * Parser for `ip -j -d link show` (iproute2 >= 4.19). Only the fields vfleet
 * uses are checked; everything else passes through untouched, so newer
 * iproute2 versions with more fields keep working.
 */
const vfInfo = z.looseObject({
  vf: z.number().int().nonnegative(),
  address: z.string().optional(),
  vlan_list: z
    .array(
      z.looseObject({
        vlan: z.number().optional(),
        qos: z.number().optional(),
        protocol: z.string().optional(),
        vlan_protocol: z.string().optional(),
      }),
    )
    .optional(),
  // Older iproute2 printed flat vlan/qos and a single tx_rate.
  vlan: z.number().optional(),
  qos: z.number().optional(),
  tx_rate: z.number().optional(),
  rate: z.looseObject({ max_tx: z.number().optional(), min_tx: z.number().optional() }).optional(),
  spoofchk: z.boolean().optional(),
  trust: z.boolean().optional(),
  link_state: z.string().optional(),
});

const link = z.looseObject({
  ifname: z.string(),
  address: z.string().optional(),
  operstate: z.string().optional(),
  flags: z.array(z.string()).optional(),
  parentbus: z.string().optional(),
  parentdev: z.string().optional(),
  phys_switch_id: z.string().optional(),
  phys_port_name: z.string().optional(),
  vfinfo_list: z.array(vfInfo).optional(),
});

const links = z.array(link);

export interface IpLinks {
  /** PF netdev -> its VFs as the PF reports them. */
  readonly vfLinks: Map<string, VfLinkFacts[]>;
  readonly ports: LinkPortFacts[];
}

export function parseIpLinks(stdout: string): IpLinks {
  const data = parseIpJson(stdout, links, '`ip -j -d link show`', ' (iproute2 too old?)');
  const vfLinks = new Map<string, VfLinkFacts[]>();
  for (const l of data) {
    if (l.vfinfo_list && l.vfinfo_list.length > 0)
      vfLinks.set(l.ifname, l.vfinfo_list.map(toVfFacts));
  }
  const ports = data.map((l): LinkPortFacts => ({
    ifname: l.ifname,
    parentBus: l.parentbus ?? null,
    parentDev: l.parentdev ?? null,
    switchId: l.phys_switch_id ?? null,
    portName: l.phys_port_name ?? null,
    hasVfInfo: l.vfinfo_list !== undefined,
    mac: l.address?.toLowerCase() ?? null,
    operstate: l.operstate?.toLowerCase() ?? null,
    adminUp: l.flags === undefined ? null : l.flags.includes('UP'),
  }));
  return { vfLinks, ports };
}

function toVfFacts(v: z.infer<typeof vfInfo>): VfLinkFacts {
  const tag = v.vlan_list?.find((t) => (t.vlan ?? 0) !== 0) ?? v.vlan_list?.[0];
  const proto = tag?.protocol ?? tag?.vlan_protocol;
  const linkState = v.link_state;
  return {
    index: v.vf,
    mac: v.address === undefined ? null : v.address.toLowerCase(),
    vlan: tag?.vlan ?? v.vlan ?? 0,
    qos: tag?.qos ?? v.qos ?? 0,
    vlanProto: proto !== undefined && /802\.1ad/i.test(proto) ? '802.1ad' : '802.1Q',
    spoofchk: v.spoofchk ?? null,
    trust: v.trust ?? null,
    linkState:
      linkState === 'auto' || linkState === 'enable' || linkState === 'disable' ? linkState : null,
    minTxRate: v.rate?.min_tx ?? 0,
    maxTxRate: v.rate?.max_tx ?? v.tx_rate ?? 0,
  };
}

/**
 * One `ip -j` output checked against the schema of the fields vfleet reads:
 * invalid JSON or an unexpected shape is COMMAND_FAILED naming the command
 * and the first place at fault.
 */
export function parseIpJson<T>(
  stdout: string,
  schema: z.ZodType<T>,
  command: string,
  invalidHint = '',
): T {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    throw new VfleetError('COMMAND_FAILED', `${command} printed invalid JSON${invalidHint}`, {
      output: stdout.slice(0, 200),
    });
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VfleetError(
      'COMMAND_FAILED',
      `${command} printed unexpected JSON at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
    );
  }
  return parsed.data;
}
