import {
  configJson,
  devicePluginConfig,
  devicePluginConfigMap,
  type ConfigMap,
  type DevicePluginConfig,
} from './kubernetes-device-plugin.js';
import { NameRegistry, resourceName } from './kubernetes-names.js';
import {
  networkAttachment,
  sriovNetwork,
  type NetworkAttachmentDefinition,
  type NetworkFormat,
  type NetworkQos,
  type SriovNetwork,
} from './kubernetes-networks.js';
import { policiesFor, type SriovNetworkNodePolicy } from './kubernetes-policies.js';
import type { ExportHost } from './export-fleet.js';
import { cmp, vfGroups, type ExportNetwork, type VfKind } from './owned-devices.js';

/** The owner whose VFs the Kubernetes export hands to the cluster. */
export const KUBERNETES_OWNER = 'kubernetes';

export interface KubernetesExportInput {
  readonly hosts: readonly ExportHost[];
  readonly networks: readonly (ExportNetwork & NetworkQos)[];
}

export interface KubernetesExportOptions {
  readonly format: NetworkFormat;
  readonly resourcePrefix: string;
}

export interface KubernetesExport {
  /** Each node's config.json, by node name (hosts without kubernetes VFs are left out). */
  readonly devicePluginConfigs: ReadonlyMap<string, DevicePluginConfig>;
  readonly configMap: ConfigMap;
  readonly policies: readonly SriovNetworkNodePolicy[];
  readonly networks: readonly (SriovNetwork | NetworkAttachmentDefinition)[];
  /** What the export leaves out and why, one line each (the command prints them on stderr). */
  readonly notes: readonly string[];
}

/**
 * Everything a cluster needs to use the VFs vfleet hands to `kubernetes`:
 * the device plugin's per-node config, the operator's policies (externally
 * managed) and one network object per vfleet network and device pool.
 * Two vfleet names that fold to one Kubernetes name are a CONFLICT.
 */
export function kubernetesExport(
  input: KubernetesExportInput,
  options: KubernetesExportOptions,
): KubernetesExport {
  const groups = vfGroups(input.hosts, KUBERNETES_OWNER);
  const resources = new NameRegistry('physnet');
  const pools = new Map<string, { physnet: string; trusted: boolean; kind: VfKind }>();
  for (const g of groups) {
    const name = resources.claim(resourceName(g.physnet, g.trusted, g.kind), g.physnet);
    pools.set(name, { physnet: g.physnet, trusted: g.trusted, kind: g.kind });
  }
  const configs = new Map<string, DevicePluginConfig>();
  for (const host of [...new Set(groups.map((g) => g.host))]) {
    const mine = groups.filter((g) => g.host === host);
    configs.set(host, devicePluginConfig(mine, options.resourcePrefix));
  }
  const policyNames = new NameRegistry('policy');
  const policies = groups
    .filter((g) => g.kind !== 'vdpa')
    .flatMap((g) => policiesFor(g, policyNames));
  const networkNames = new NameRegistry('network');
  const networks = [...input.networks]
    .sort((a, b) => cmp(a.tenant, b.tenant) || cmp(a.name, b.name))
    .flatMap((network) =>
      [...pools]
        .sort(([a], [b]) => cmp(a, b))
        .filter(([, p]) => p.physnet === network.physnet && p.kind === 'legacy')
        .map(([name, p]) => ({ network, resourceName: name, trusted: p.trusted })),
    )
    .map((p) =>
      options.format === 'nad'
        ? networkAttachment(p, options.resourcePrefix, networkNames)
        : sriovNetwork(p, networkNames),
    );
  return {
    devicePluginConfigs: configs,
    configMap: devicePluginConfigMap(configs),
    policies,
    networks,
    notes: notesFor(pools),
  };
}

/**
 * Why switchdev and vDPA pools get less than the others:
 *
 * - No network objects: both formats configure the sriov CNI, which sets the
 *   VLAN and spoof check on the VF through the PF, and a PF in switchdev mode
 *   refuses that (mlx5 answers EOPNOTSUPP); those settings belong on the VF's
 *   representor, which a CNI such as OVN-Kubernetes or ovs-cni plugs.
 * - No SriovNetworkNodePolicy for VFs with vDPA devices: with `vdpaType` the
 *   operator creates its own device `vdpa:<VF>` on each VF, which the NIC
 *   refuses beside vfleet's (one per VF: mlx5 answers ENOSPC), failing the
 *   node's sync; without it, the operator's device plugin pool would not
 *   hand pods the vDPA device. The exported ConfigMap serves them.
 */
function notesFor(pools: ReadonlyMap<string, { kind: VfKind }>): string[] {
  const names = (kind: VfKind): string[] =>
    [...pools]
      .filter(([, p]) => p.kind === kind)
      .map(([n]) => n)
      .sort(cmp);
  const switchdev = [...names('switchdev'), ...names('vdpa')].sort(cmp);
  const vdpa = names('vdpa');
  return [
    ...(switchdev.length === 0
      ? []
      : [
          `${switchdev.join(', ')}: VFs of PFs in switchdev mode get no network object; the sriov CNI sets VLAN and spoof checking through the PF, which a switchdev NIC refuses (they belong on the representor); attach them with a CNI that plugs their representors (OVN-Kubernetes, ovs-cni)`,
        ]),
    ...(vdpa.length === 0
      ? []
      : [
          `${vdpa.join(', ')}: VFs with vDPA devices get no SriovNetworkNodePolicy; the operator would add its own vDPA device beside vfleet's, which the NIC refuses; use the device plugin ConfigMap`,
        ]),
  ];
}

/** The export as the documents to apply, in order: ConfigMap, policies, networks. */
export const kubernetesDocuments = (e: KubernetesExport): readonly object[] => [
  e.configMap,
  ...e.policies,
  ...e.networks,
];

export { configJson };
