import { z } from 'zod';
import { isMulticastMac, normalizeMac } from './mac-address.js';
import { normalizePciAddress } from './pci-address.js';
import { parseInput } from './validation.js';
import { ESWITCH_MODES, VF_LINK_STATES, VLAN_PROTOCOLS } from './vocabulary.js';

/**
 * The host's declared SR-IOV state (`vfleet host plan|apply -f state.yaml`),
 * documented in docs/host-state.md. Validation here is everything that can
 * be checked without looking at the host; the plan checks the rest
 * (unknown PF, numVfs above totalVfs, ...).
 */

const hexId = z
  .string()
  .transform((s) => s.trim().toLowerCase().replace(/^0x/, ''))
  .refine((s) => /^[0-9a-f]{4}$/.test(s), 'must be 4 hex digits, e.g. "8086"');

const pciAddress = z.string().transform((s, ctx) => {
  const a = normalizePciAddress(s);
  if (a === null) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a PCI address like 0000:3b:00.0` });
    return z.NEVER;
  }
  return a;
});

const mac = z.string().transform((s, ctx) => {
  const m = normalizeMac(s);
  if (m === null) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a MAC address like fa:16:3e:00:00:01` });
    return z.NEVER;
  }
  if (isMulticastMac(m)) {
    ctx.addIssue({
      code: 'custom',
      message: `${m} is a multicast address; a VF needs a unicast MAC`,
    });
    return z.NEVER;
  }
  return m;
});

const int = (min: number, max: number, why: string) =>
  z.int(`must be a whole number`).min(min, why).max(max, why);

const vfRange = z.string().transform((s, ctx) => {
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(s) ?? /^\s*(\d+)\s*$/.exec(s);
  const lo = Number(m?.[1]);
  const hi = m?.[2] === undefined ? lo : Number(m[2]);
  if (!m || hi < lo) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a VF range like "0-3"` });
    return z.NEVER;
  }
  return { first: lo, last: hi };
});

export const vfSettingsSchema = z
  .object({
    mac: mac.optional(),
    vlan: int(0, 4094, 'VLAN must be 0 (untagged) to 4094').optional(),
    qos: int(0, 7, 'QoS (802.1p priority) must be 0 to 7').optional(),
    proto: z.enum(VLAN_PROTOCOLS).optional(),
    spoofchk: z.boolean().optional(),
    trust: z.boolean().optional(),
    state: z.enum(VF_LINK_STATES).optional(),
    minTxRate: int(0, 10_000_000, 'rate is in Mbit/s, 0 to 10000000').optional(),
    maxTxRate: int(0, 10_000_000, 'rate is in Mbit/s, 0 to 10000000').optional(),
  })
  .strict();

/**
 * A vDPA device on the VF (made on its management device `pci/<VF>` and
 * bound to vhost_vdpa, for `<interface type='vdpa'>`). `mac` is the virtio
 * device's MAC; not given, the driver picks one.
 */
export const vfVdpaSchema = z.object({ mac: mac.optional() }).strict();

const vfEntrySchema = vfSettingsSchema
  .extend({
    index: int(0, 4095, 'VF index must be 0 to 4095').optional(),
    range: vfRange.optional(),
    vdpa: vfVdpaSchema.optional(),
  })
  .strict()
  .superRefine((vf, ctx) => {
    if ((vf.index === undefined) === (vf.range === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['index'],
        message: 'give exactly one of index or range',
      });
    }
    if (vf.range && vf.range.first !== vf.range.last && vf.mac !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['mac'],
        message: 'a MAC cannot be shared by a range of VFs',
      });
    }
    if (vf.range && vf.range.first !== vf.range.last && vf.vdpa?.mac !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['vdpa', 'mac'],
        message: 'a vDPA MAC cannot be shared by a range of VFs',
      });
    }
    if ((vf.qos ?? 0) > 0 && (vf.vlan ?? 0) === 0) {
      ctx.addIssue({ code: 'custom', path: ['qos'], message: 'qos needs a vlan (1-4094)' });
    }
    if (vf.proto !== undefined && (vf.vlan ?? 0) === 0) {
      ctx.addIssue({ code: 'custom', path: ['proto'], message: 'proto needs a vlan (1-4094)' });
    }
    const max = vf.maxTxRate ?? 0;
    if (max > 0 && (vf.minTxRate ?? 0) > max) {
      ctx.addIssue({
        code: 'custom',
        path: ['minTxRate'],
        message: 'minTxRate must not exceed maxTxRate',
      });
    }
  });

export const pfMatchSchema = z
  .object({
    vendor: hexId.optional(),
    device: hexId.optional(),
    driver: z.string().min(1).optional(),
    /** Only together with a stable key: names can change across reboots. */
    ifname: z.string().min(1).optional(),
  })
  .strict()
  .refine((m) => m.vendor !== undefined || m.device !== undefined || m.driver !== undefined, {
    message:
      'match needs vendor, device or driver (an interface name alone can change after reboot)',
  });

/**
 * A PF whose VFs are not PCI functions (netdevsim), by the devlink handle of
 * its device, `bus/name` as `host scan` reports it under `nonPciPfs[].device`.
 * A PCI PF is named by `pciAddress`, stable and checked like every PCI PF.
 */
const deviceHandle = z.string().superRefine((s, ctx) => {
  if (!/^[a-z0-9_-]+\/[^\s/]+$/.test(s)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${s}" is not a device handle like netdevsim/netdevsim1 (bus/name, as devlink names it)`,
    });
  } else if (s.startsWith('pci/')) {
    ctx.addIssue({
      code: 'custom',
      message: `${s} is a PCI function: select it by pciAddress: ${s.slice(4)}`,
    });
  }
});

const pfEntrySchema = z
  .object({
    pciAddress: pciAddress.optional(),
    match: pfMatchSchema.optional(),
    device: deviceHandle.optional(),
    numVfs: int(0, 4096, 'numVfs must be 0 to 4096'),
    /** `vfio-pci`, `kernel` (the PF driver's VF driver), or a driver name. */
    vfDriver: z
      .string()
      .regex(/^[a-z0-9_-]+$/, 'a driver name like vfio-pci or igbvf')
      .optional(),
    /** Bring the PF link up (VFs pass no traffic on a down PF). Default true. */
    up: z.boolean().default(true),
    /** devlink eswitch mode; not given: left as it is. */
    eswitchMode: z.enum(ESWITCH_MODES).optional(),
    /** ethtool hw-tc-offload on the PF netdev (the uplink); switchdev only. */
    hwTcOffload: z.boolean().optional(),
    vfs: z.array(vfEntrySchema).default([]),
  })
  .strict()
  .superRefine((pf, ctx) => {
    if (pf.hwTcOffload !== undefined && pf.eswitchMode !== 'switchdev') {
      ctx.addIssue({
        code: 'custom',
        path: ['hwTcOffload'],
        message:
          'hwTcOffload needs eswitchMode: switchdev (TC offload reaches the NIC only through representors)',
      });
    }
    const selectors = [pf.pciAddress, pf.match, pf.device].filter((x) => x !== undefined);
    if (selectors.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['pciAddress'],
        message: 'give exactly one of pciAddress, match or device',
      });
    }
    const seen = new Map<number, number>();
    pf.vfs.forEach((vf, i) => {
      const first = vf.index ?? vf.range?.first ?? 0;
      const last = vf.index ?? vf.range?.last ?? 0;
      for (let n = first; n <= last; n++) {
        if (n >= pf.numVfs) {
          ctx.addIssue({
            code: 'custom',
            path: ['vfs', i, vf.index === undefined ? 'range' : 'index'],
            message: `VF ${n} does not exist with numVfs ${pf.numVfs}`,
          });
          return;
        }
        const prior = seen.get(n);
        if (prior !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['vfs', i],
            message: `VF ${n} is already declared by vfs[${prior}]`,
          });
          return;
        }
        seen.set(n, i);
      }
    });
  });

/**
 * A vDPA device on a management device that is not a VF vfleet manages: a
 * simulator (`vdpasim_net`), a VDUSE device, a subfunction. VF devices are
 * declared on their VF (`pfs[].vfs[].vdpa`).
 */
const vdpaDeviceSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,32}$/, 'a vDPA device name: letters, digits, _ . : -, 1 to 32'),
    mgmtdev: z.string().min(1, 'the management device, as `vdpa mgmtdev show` names it'),
    mac: mac.optional(),
  })
  .strict();

export const hostStateSchema = z
  .object({
    pfs: z.array(pfEntrySchema),
    vdpa: z.array(vdpaDeviceSchema).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const macs = new Map<string, string>();
    s.pfs.forEach((pf, i) => {
      pf.vfs.forEach((vf, j) => {
        if (vf.mac === undefined || vf.mac === '00:00:00:00:00:00') return;
        const where = `pfs[${i}].vfs[${j}]`;
        const prior = macs.get(vf.mac);
        if (prior !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['pfs', i, 'vfs', j, 'mac'],
            message: `${vf.mac} is already used by ${prior}`,
          });
        }
        macs.set(vf.mac, where);
      });
    });
    const names = new Map<string, number>();
    (s.vdpa ?? []).forEach((d, i) => {
      const prior = names.get(d.name);
      if (prior !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['vdpa', i, 'name'],
          message: `${d.name} is already declared by vdpa[${prior}]`,
        });
      }
      names.set(d.name, i);
    });
    const addrs = new Map<string, number>();
    s.pfs.forEach((pf, i) => {
      const key = pf.pciAddress ?? pf.device;
      if (key === undefined) return;
      const prior = addrs.get(key);
      if (prior !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['pfs', i, pf.pciAddress === undefined ? 'device' : 'pciAddress'],
          message: `${key} is already declared by pfs[${prior}]`,
        });
      }
      addrs.set(key, i);
    });
  });

export type HostState = z.output<typeof hostStateSchema>;
export type PfEntry = HostState['pfs'][number];
export type VfEntry = PfEntry['vfs'][number];
export type VfSettings = z.output<typeof vfSettingsSchema>;
export type PfMatch = z.output<typeof pfMatchSchema>;
export type VfVdpaSpec = z.output<typeof vfVdpaSchema>;
export type VdpaDeviceSpec = z.output<typeof vdpaDeviceSchema>;

export const parseHostState = (data: unknown): HostState =>
  parseInput(hostStateSchema, data, 'state');
