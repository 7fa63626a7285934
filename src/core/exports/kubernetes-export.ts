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
import { cmp, vfGroups, type ExportNetwork } from './owned-devices.js';

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
  const pools = new Map<string, { physnet: string; trusted: boolean }>();
  for (const g of groups) {
    const name = resources.claim(resourceName(g.physnet, g.trusted), g.physnet);
    pools.set(name, { physnet: g.physnet, trusted: g.trusted });
  }
  const configs = new Map<string, DevicePluginConfig>();
  for (const host of [...new Set(groups.map((g) => g.host))]) {
    const mine = groups.filter((g) => g.host === host);
    configs.set(host, devicePluginConfig(mine, options.resourcePrefix));
  }
  const policyNames = new NameRegistry('policy');
  const policies = groups.flatMap((g) => policiesFor(g, policyNames));
  const networkNames = new NameRegistry('network');
  const networks = [...input.networks]
    .sort((a, b) => cmp(a.tenant, b.tenant) || cmp(a.name, b.name))
    .flatMap((network) =>
      [...pools]
        .sort(([a], [b]) => cmp(a, b))
        .filter(([, p]) => p.physnet === network.physnet)
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
  };
}

/** The export as the documents to apply, in order: ConfigMap, policies, networks. */
export const kubernetesDocuments = (e: KubernetesExport): readonly object[] => [
  e.configMap,
  ...e.policies,
  ...e.networks,
];

export { configJson };
