import { indexRanges, type VfGroup } from './owned-devices.js';
import {
  DEVICE_PLUGIN_CONFIGMAP,
  DEVICE_PLUGIN_NAMESPACE,
  resourceName,
} from './kubernetes-names.js';

/** One selector object of the device plugin's netDevice resources (its `NetDeviceSelectors`). */
export interface DevicePluginSelector {
  vendors: string[];
  devices?: string[];
  drivers?: string[];
  pfNames?: string[];
  pciAddresses?: string[];
  rootDevices: string[];
  /**
   * Only VFs whose vDPA device is on this bus driver (`vhost`: vhost_vdpa);
   * with it the plugin also mounts the `/dev/vhost-vdpa-N` into the pod.
   */
  vdpaType?: 'vhost';
}

export interface DevicePluginResource {
  resourceName: string;
  resourcePrefix: string;
  selectors: DevicePluginSelector[];
}

export interface DevicePluginConfig {
  resourceList: DevicePluginResource[];
}

/**
 * The selector for one group: the VFs' vendor and device id (the VF id
 * when vfleet knows the model; the PF's own id would match no VF, so none
 * is written otherwise), the PF as root device, the VFs by `pfName#ranges`.
 * A PF without a netdev cannot be named in pfNames: its VFs are listed by
 * address instead. Drivers are named only when every VF's is known and they
 * agree, so a VF caught mid-rebind is not dropped from the pool. VFs with a
 * vDPA device (vfleet binds each to vhost_vdpa) select `vdpaType: vhost`:
 * the plugin then checks the device is there and on that driver, and hands
 * the pod its char device; it finds the device by the VF's address, so the
 * name vfleet gave it does not matter.
 */
function selector(g: VfGroup): DevicePluginSelector {
  const drivers = [...new Set(g.vfs.map((v) => v.driver ?? null))];
  const [driver] = drivers;
  return {
    vendors: [g.pf.vendorId],
    ...(g.pf.vfDeviceId === null ? {} : { devices: [g.pf.vfDeviceId] }),
    ...(drivers.length === 1 && driver !== null && driver !== undefined
      ? { drivers: [driver] }
      : {}),
    ...(g.pf.ifname !== null
      ? { pfNames: [`${g.pf.ifname}#${indexRanges(g.vfs.map((v) => v.index))}`] }
      : { pciAddresses: g.vfs.map((v) => v.pciAddress) }),
    rootDevices: [g.pf.pciAddress],
    ...(g.kind === 'vdpa' ? { vdpaType: 'vhost' as const } : {}),
  };
}

/**
 * A node's device plugin config: one resource per physnet and trust, with
 * one selector object per PF (selector objects are alternatives; a device
 * goes to the first resource that matches it, and vfleet's groups never
 * overlap). The groups must all be of one host: pfNames and PCI addresses
 * mean nothing on another node.
 */
export function devicePluginConfig(groups: readonly VfGroup[], prefix: string): DevicePluginConfig {
  const byResource = new Map<string, DevicePluginSelector[]>();
  for (const g of groups) {
    const name = resourceName(g.physnet, g.trusted, g.kind);
    byResource.set(name, [...(byResource.get(name) ?? []), selector(g)]);
  }
  return {
    resourceList: [...byResource].map(([name, selectors]) => ({
      resourceName: name,
      resourcePrefix: prefix,
      selectors,
    })),
  };
}

export interface ConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace: string };
  data: Record<string, string>;
}

/**
 * The device plugin ConfigMap keyed by node name, the layout the SR-IOV
 * operator itself writes: selectors differ per node, so one shared
 * config.json cannot serve them all. The DaemonSet mounts the map and
 * starts the plugin with `--config-file=/etc/pcidp/$(NODE_NAME)`
 * (docs/exports.md).
 */
export function devicePluginConfigMap(configs: ReadonlyMap<string, DevicePluginConfig>): ConfigMap {
  const data: Record<string, string> = {};
  for (const [node, config] of configs) data[node] = configJson(config);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: DEVICE_PLUGIN_CONFIGMAP, namespace: DEVICE_PLUGIN_NAMESPACE },
    data,
  };
}

/** The file the plugin reads: pretty JSON, newline-terminated. */
export const configJson = (c: DevicePluginConfig): string => `${JSON.stringify(c, null, 2)}\n`;
