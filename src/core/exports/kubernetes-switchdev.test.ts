import { describe, expect, it } from 'vitest';
import {
  devicePluginConfigSchema,
  kubernetesDocumentSchema,
  netDeviceSelectorsSchema,
  sriovNetworkNodePolicySchema,
} from '../../testing/kubernetes-schemas.js';
import { kubernetesDocuments, kubernetesExport } from './kubernetes-export.js';
import type { NetworkAttachmentDefinition, SriovNetwork } from './kubernetes-networks.js';
import { switchdevHosts } from './switchdev-examples.js';

/**
 * Switchdev PFs and vDPA VFs in the Kubernetes export (kubectl reads the
 * same export in src/cli/export-kubectl.test.ts): node-s has, on a
 * switchdev PF, two kubernetes VFs with vDPA devices and two without, and
 * on a legacy PF two plain ones, all on physnet1.
 */
const networks = [{ name: 'blue', tenant: 'acme', physnet: 'physnet1', vlan: 100 }];
const nad = kubernetesExport(
  { hosts: switchdevHosts, networks },
  { format: 'nad', resourcePrefix: 'openshift.io' },
);
const sriov = kubernetesExport(
  { hosts: switchdevHosts, networks },
  { format: 'sriovnetwork', resourcePrefix: 'openshift.io' },
);

describe('kubernetes export: switchdev and vDPA', () => {
  it('validates against the consumers’ types', () => {
    for (const doc of [...kubernetesDocuments(nad), ...kubernetesDocuments(sriov)]) {
      const r = kubernetesDocumentSchema.safeParse(doc);
      expect(r.error?.message, JSON.stringify(doc)).toBeUndefined();
    }
    for (const c of nad.devicePluginConfigs.values()) devicePluginConfigSchema.parse(c);
  });

  it('gives vDPA VFs their own resource, selected with vdpaType vhost, and switchdev VFs theirs', () => {
    const list = nad.devicePluginConfigs.get('node-s')?.resourceList ?? [];
    expect(Object.fromEntries(list.map((r) => [r.resourceName, r.selectors]))).toEqual({
      vfleet_physnet1: [
        {
          vendors: ['15b3'],
          devices: ['101e'],
          drivers: ['mlx5_core'],
          pfNames: ['ens3f1#0-1'],
          rootDevices: ['0000:3b:00.1'],
        },
      ],
      vfleet_physnet1_switchdev: [
        {
          vendors: ['15b3'],
          devices: ['101e'],
          drivers: ['mlx5_core'],
          pfNames: ['ens3f0#2-3'],
          rootDevices: ['0000:3b:00.0'],
        },
      ],
      vfleet_physnet1_vdpa: [
        {
          vendors: ['15b3'],
          devices: ['101e'],
          drivers: ['mlx5_core'],
          pfNames: ['ens3f0#0-1'],
          rootDevices: ['0000:3b:00.0'],
          vdpaType: 'vhost',
        },
      ],
    });
  });

  it('policies say switchdev, as the operator checks on externally managed PFs; vDPA VFs get none', () => {
    expect(nad.policies.map((p) => [p.spec.resourceName, p.spec.eSwitchMode])).toEqual([
      ['vfleet_physnet1_switchdev', 'switchdev'],
      ['vfleet_physnet1', undefined],
    ]);
    expect(nad.policies[0]?.spec.nicSelector.pfNames).toEqual(['ens3f0#2-3']);
    expect(nad.notes.join('\n')).toMatch(
      /vfleet_physnet1_vdpa: VFs with vDPA devices get no SriovNetworkNodePolicy/,
    );
  });

  it('network objects only for legacy pools: the sriov CNI cannot set a switchdev VF', () => {
    const nads = nad.networks as NetworkAttachmentDefinition[];
    expect(nads.map((n) => n.metadata.annotations['k8s.v1.cni.cncf.io/resourceName'])).toEqual([
      'openshift.io/vfleet_physnet1',
    ]);
    expect((sriov.networks as SriovNetwork[]).map((n) => n.spec.resourceName)).toEqual([
      'vfleet_physnet1',
    ]);
    expect(nad.notes[0]).toMatch(
      /^vfleet_physnet1_switchdev, vfleet_physnet1_vdpa: VFs of PFs in switchdev mode get no network object/,
    );
  });

  it('the schemas refuse what the plugin and the operator refuse for vDPA', () => {
    const selector = nad.devicePluginConfigs.get('node-s')?.resourceList[1]?.selectors[0];
    expect(netDeviceSelectorsSchema.safeParse({ ...selector, isRdma: true }).success).toBe(false);
    const [policy] = nad.policies;
    const vdpa = (spec: object) => ({ ...policy, spec: { ...policy?.spec, ...spec } });
    expect(sriovNetworkNodePolicySchema.safeParse(vdpa({ vdpaType: 'vhost' })).success).toBe(true);
    expect(
      sriovNetworkNodePolicySchema.safeParse(vdpa({ vdpaType: 'vhost', eSwitchMode: undefined }))
        .success,
    ).toBe(false);
  });
});
