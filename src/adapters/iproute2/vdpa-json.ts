import { z } from 'zod';
import type { VdpaMgmtdevFacts } from '../../core/host-facts.js';
import { parseIpJson } from './ip-link-json.js';

/**
 * iproute2's `vdpa -j` (iproute2 >= 5.11). Management devices are keyed
 * `pci/0000:08:00.2` for a PCI function, by bare name (`vdpasim_net`) for a
 * simulator or software device.
 */
const mgmtdevShow = z.object({
  mgmtdev: z.record(
    z.string(),
    z.looseObject({
      supported_classes: z.array(z.string()).optional(),
      max_supported_vqs: z.number().optional(),
      dev_features: z.array(z.string()).optional(),
    }),
  ),
});

const devShow = z.object({
  dev: z.record(
    z.string(),
    z.looseObject({
      type: z.string().optional(),
      mgmtdev: z.string(),
      max_vqs: z.number().optional(),
      max_vq_size: z.number().optional(),
    }),
  ),
});

// iproute2 6.1 prints some keys with a trailing space ("link "): read both.
const devConfigShow = z.object({ config: z.record(z.string(), z.record(z.string(), z.unknown())) });

export function parseVdpaMgmtdevs(stdout: string): VdpaMgmtdevFacts[] {
  const data = parseIpJson(stdout, mgmtdevShow, '`vdpa -j mgmtdev show`');
  return Object.entries(data.mgmtdev).map(([name, m]) => ({
    name,
    classes: m.supported_classes ?? [],
    maxVqs: m.max_supported_vqs ?? null,
    features: m.dev_features ?? [],
  }));
}

export interface VdpaDeviceShown {
  readonly name: string;
  readonly mgmtdev: string;
  readonly type: string | null;
  readonly maxVqs: number | null;
  readonly maxVqSize: number | null;
}

export function parseVdpaDevices(stdout: string): VdpaDeviceShown[] {
  const data = parseIpJson(stdout, devShow, '`vdpa -j dev show`');
  return Object.entries(data.dev).map(([name, d]) => ({
    name,
    mgmtdev: d.mgmtdev,
    type: d.type ?? null,
    maxVqs: d.max_vqs ?? null,
    maxVqSize: d.max_vq_size ?? null,
  }));
}

/** name -> the network config a device reports (MAC, MTU). */
export function parseVdpaConfigs(
  stdout: string,
): Map<string, { mac: string | null; mtu: number | null }> {
  const data = parseIpJson(stdout, devConfigShow, '`vdpa -j dev config show`');
  const out = new Map<string, { mac: string | null; mtu: number | null }>();
  for (const [name, c] of Object.entries(data.config)) {
    const get = (k: string) => c[k] ?? c[`${k} `];
    const mac = get('mac');
    const mtu = get('mtu');
    out.set(name, {
      mac: typeof mac === 'string' ? mac.toLowerCase() : null,
      mtu: typeof mtu === 'number' ? mtu : null,
    });
  }
  return out;
}
