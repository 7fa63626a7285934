import { describe, expect, it } from 'vitest';
import {
  devicePluginConfigSchema,
  kubernetesDocumentSchema,
  networkAttachmentDefinitionSchema,
  sriovNetworkNodePolicySchema,
  sriovNetworkSchema,
} from '../../testing/kubernetes-schemas.js';
import { kubernetesDocuments, kubernetesExport } from './kubernetes-export.js';
import type { NetworkAttachmentDefinition, SriovNetwork } from './kubernetes-networks.js';
import { exampleHosts, exampleNetworks } from './owned-devices-examples.js';
import { indexRanges } from './owned-devices.js';

const input = { hosts: exampleHosts, networks: exampleNetworks };
const sriov = kubernetesExport(input, { format: 'sriovnetwork', resourcePrefix: 'openshift.io' });
const nad = kubernetesExport(input, { format: 'nad', resourcePrefix: 'example.com' });

describe('kubernetes export', () => {
  it('validates every document against the consumers’ documented types', () => {
    for (const doc of [...kubernetesDocuments(sriov), ...kubernetesDocuments(nad)]) {
      const r = kubernetesDocumentSchema.safeParse(doc);
      expect(r.error?.message, JSON.stringify(doc)).toBeUndefined();
    }
    for (const c of sriov.devicePluginConfigs.values()) devicePluginConfigSchema.parse(c);
  });

  it('selects only kubernetes VFs, per node, with pfName ranges and the PF as root device', () => {
    expect([...sriov.devicePluginConfigs.keys()]).toEqual(['node-a', 'node-b']);
    expect(sriov.devicePluginConfigs.get('node-a')).toEqual({
      resourceList: [
        {
          resourceName: 'vfleet_physnet1',
          resourcePrefix: 'openshift.io',
          selectors: [
            {
              vendors: ['8086'],
              devices: ['1520'],
              drivers: ['igbvf'],
              pfNames: ['ens1f0#0-3'],
              rootDevices: ['0000:03:00.0'],
            },
          ],
        },
        {
          resourceName: 'vfleet_physnet1_trusted',
          resourcePrefix: 'openshift.io',
          selectors: [
            {
              vendors: ['8086'],
              devices: ['1520'],
              drivers: ['vfio-pci'],
              pfNames: ['ens1f0#4-5'],
              rootDevices: ['0000:03:00.0'],
            },
          ],
        },
      ],
    });
    const b = sriov.devicePluginConfigs.get('node-b')?.resourceList;
    expect(b?.map((r) => r.resourceName)).toEqual(['vfleet_physnet1', 'vfleet_Phys_3']);
    expect(b?.[0]?.selectors[0]?.pfNames).toEqual(['ens2f0#0-1,3']);
    // A PF without netdev: its VFs by address; a model without a known VF id: no devices.
    expect(b?.[1]?.selectors).toEqual([
      {
        vendors: ['15b3'],
        devices: ['1018'],
        drivers: ['vfio-pci'],
        pciAddresses: ['0000:82:10.1', '0000:82:10.2'],
        rootDevices: ['0000:82:00.0'],
      },
      { vendors: ['1234'], drivers: ['igbvf'], pfNames: ['ens3#0'], rootDevices: ['0000:83:00.0'] },
    ]);
    expect(Object.keys(sriov.configMap.data)).toEqual(['node-a', 'node-b']);
    expect(JSON.parse(sriov.configMap.data['node-a'] ?? '')).toEqual(
      sriov.devicePluginConfigs.get('node-a'),
    );
  });

  it('writes externally managed policies, one per node, PF and consecutive run', () => {
    const names = sriov.policies.map((p) => p.metadata.name);
    expect(names).toEqual([
      'vfleet-node-a-ens1f0-vfleet-physnet1-0-3',
      'vfleet-node-a-ens1f0-vfleet-physnet1-trusted-4-5',
      'vfleet-node-b-ens2f0-vfleet-physnet1-0-1',
      'vfleet-node-b-ens2f0-vfleet-physnet1-3-3',
      'vfleet-node-b-0000-82-00.0-vfleet-phys-3',
      'vfleet-node-b-ens3-vfleet-phys-3-0-0',
    ]);
    const [first, trusted] = sriov.policies;
    expect(first?.spec).toEqual({
      resourceName: 'vfleet_physnet1',
      nodeSelector: { 'kubernetes.io/hostname': 'node-a' },
      numVfs: 8,
      nicSelector: {
        vendor: '8086',
        deviceID: '1521',
        pfNames: ['ens1f0#0-3'],
        rootDevices: ['0000:03:00.0'],
      },
      deviceType: 'netdevice',
      isRdma: false,
      externallyManaged: true,
    });
    expect(trusted?.spec.deviceType).toBe('vfio-pci');
    expect(sriov.policies[4]?.spec.nicSelector).toEqual({
      vendor: '15b3',
      deviceID: '1017',
      rootDevices: ['0000:82:00.0'],
    });
  });

  it('writes a SriovNetwork per network and pool in the operator’s spelling', () => {
    // By tenant, then name, in code-point order (upper case first).
    const [red, ...nets] = sriov.networks as SriovNetwork[];
    expect([red, ...nets].map((n) => n?.metadata.name)).toEqual([
      'red-net',
      'blue',
      'blue-trusted',
    ]);
    expect(nets[0]?.spec).toEqual({
      resourceName: 'vfleet_physnet1',
      networkNamespace: 'acme',
      vlan: 100,
      vlanQoS: 3,
      spoofChk: 'on',
      trust: 'off',
      minTxRate: 100,
      maxTxRate: 1000,
    });
    expect(nets[1]?.spec).toMatchObject({ spoofChk: 'off', trust: 'on' });
    expect(red?.spec).toEqual({
      resourceName: 'vfleet_Phys_3',
      networkNamespace: 'globex',
      vlan: 200,
      spoofChk: 'on',
      trust: 'off',
    });
  });

  it('writes NetworkAttachmentDefinitions with the sriov CNI’s own spelling', () => {
    const nets = (nad.networks as NetworkAttachmentDefinition[]).slice(1);
    expect(nets[0]?.metadata).toEqual({
      name: 'blue',
      namespace: 'acme',
      annotations: { 'k8s.v1.cni.cncf.io/resourceName': 'example.com/vfleet_physnet1' },
    });
    expect(JSON.parse(nets[0]?.spec.config ?? '')).toEqual({
      cniVersion: '0.3.1',
      name: 'blue',
      type: 'sriov',
      vlan: 100,
      vlanQoS: 3,
      spoofchk: 'on',
      trust: 'off',
      min_tx_rate: 100,
      max_tx_rate: 1000,
    });
  });

  it('refuses two physnets that fold to one resource name', () => {
    const [host] = exampleHosts;
    if (host === undefined) throw new Error('no example host');
    const pf = host.pfs[0];
    if (pf === undefined) throw new Error('no example PF');
    const clash = {
      ...host,
      pfs: [{ ...pf, vfs: pf.vfs.map((v, i) => ({ ...v, physnet: i === 0 ? 'a-b' : 'a_b' })) }],
    };
    expect(() =>
      kubernetesExport(
        { hosts: [clash], networks: [] },
        { format: 'nad', resourcePrefix: 'openshift.io' },
      ),
    ).toThrow(/a-b and a_b both become the Kubernetes name vfleet_a_b/);
  });
});

describe('names and selections the consumers cannot take', () => {
  const blue = exampleNetworks[0];
  if (blue === undefined) throw new Error('no example network');
  const twoBlues = [blue, { ...blue, tenant: 'beta' }];

  it('refuses two tenants’ networks of one name as SriovNetworks (one operator namespace)', () => {
    const run = () =>
      kubernetesExport(
        { hosts: exampleHosts, networks: twoBlues },
        { format: 'sriovnetwork', resourcePrefix: 'openshift.io' },
      );
    expect(run).toThrow(/acme\/blue and beta\/blue both become the Kubernetes name blue/);
  });

  it('takes them as NetworkAttachmentDefinitions, each in its tenant’s namespace', () => {
    const e = kubernetesExport(
      { hosts: exampleHosts, networks: twoBlues },
      { format: 'nad', resourcePrefix: 'openshift.io' },
    );
    const names = (e.networks as NetworkAttachmentDefinition[]).map(
      (n) => `${n.metadata.namespace}/${n.metadata.name}`,
    );
    expect(names).toEqual(['acme/blue', 'acme/blue-trusted', 'beta/blue', 'beta/blue-trusted']);
  });

  it('refuses part of a PF without netdev: a policy could only select the whole PF', () => {
    const hosts = exampleHosts.map((h) => ({
      ...h,
      pfs: h.pfs.map((pf) =>
        pf.ifname !== null
          ? pf
          : {
              ...pf,
              vfs: pf.vfs.map((v, i) => (i === 0 ? { ...v, owner: 'vfleet' as const } : v)),
            },
      ),
    }));
    const run = () =>
      kubernetesExport({ hosts, networks: [] }, { format: 'nad', resourcePrefix: 'openshift.io' });
    expect(run).toThrow(/PF 0000:82:00.0 has no netdev, so a policy cannot select part of its VFs/);
  });
});

describe('the consumer schemas refuse what the consumers refuse', () => {
  const [policy] = sriov.policies;
  const [network] = sriov.networks as SriovNetwork[];
  const [, attachment] = nad.networks as NetworkAttachmentDefinition[];

  it.each([
    ['a hyphen in resourceName', { ...policy, spec: { ...policy?.spec, resourceName: 'a-b' } }],
    ['a comma range in a policy pfName', withPfNames(['ens1f0#0-1,3'])],
    ['numVfs as a string', { ...policy, spec: { ...policy?.spec, numVfs: '8' } }],
  ])('policy: %s', (_what, doc) => {
    expect(sriovNetworkNodePolicySchema.safeParse(doc).success).toBe(false);
  });

  it.each([
    ['spoofChk as a boolean', { spoofChk: true }],
    ['the CNI spelling spoofchk', { spoofchk: 'on' }],
    ['vlanQoS above 7', { vlanQoS: 8 }],
    ['min above max', { minTxRate: 10, maxTxRate: 5 }],
  ])('SriovNetwork: %s', (_what, change) => {
    const doc = { ...network, spec: { ...network?.spec, ...change } };
    expect(sriovNetworkSchema.safeParse(doc).success).toBe(false);
  });

  it.each([
    ['the CRD spelling minTxRate', { minTxRate: 5 }],
    ['trust as a boolean', { trust: true }],
    ['vlan 4095', { vlan: 4095 }],
  ])('NAD config: %s', (_what, change) => {
    const config = { ...(JSON.parse(attachment?.spec.config ?? '{}') as object), ...change };
    const doc = { ...attachment, spec: { config: JSON.stringify(config) } };
    expect(networkAttachmentDefinitionSchema.safeParse(doc).success).toBe(false);
  });

  function withPfNames(pfNames: string[]): unknown {
    return {
      ...policy,
      spec: { ...policy?.spec, nicSelector: { ...policy?.spec.nicSelector, pfNames } },
    };
  }
});

describe('indexRanges', () => {
  it('joins runs and single indices', () => {
    expect(indexRanges([7, 0, 1, 2, 5, 8, 3])).toBe('0-3,5,7-8');
    expect(indexRanges([4])).toBe('4');
  });
});
