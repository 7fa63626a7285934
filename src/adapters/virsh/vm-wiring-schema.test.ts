import { describe, expect, it } from 'vitest';
import type { InstanceView, PortView } from '../../core/fleet/store.js';
import { instanceWiring, type VmBoot } from '../../core/fleet/vm-wiring.js';
import { wiringFactsOf } from '../../core/fleet/wiring-facts.js';
import { renderDomainXml } from '../../core/libvirt/render-domain.js';
import { createExecRunner } from '../exec/exec-runner.js';
import { createVirshDriver } from './virsh-driver.js';
import { validateLibvirtXml } from './virt-xml-validate.js';

/**
 * A fleet instance (store view + boot options + the host's reported facts)
 * rendered to a domain that libvirt itself accepts: its Relax-NG schema and
 * its parser (virsh define on the in-process test:///default driver).
 * The core tests check the wiring; this checks libvirt agrees with it.
 */
const runner = createExecRunner({ path: process.env.PATH });
const testLibvirt = createVirshDriver(runner, { uri: 'test:///default' });

const ID = '0b7e55a1-7c1f-4f0e-9a51-5c2d9e0f4a11';

const port = (over: Partial<PortView> & Pick<PortView, 'id' | 'vnicType' | 'mac'>): PortView => ({
  tenant: 'acme',
  networkId: 'net-blue',
  instanceId: ID,
  trusted: false,
  spoofchk: true,
  maxTxRate: 0,
  minTxRate: 0,
  vfId: null,
  network: 'blue',
  physnet: 'p1',
  vlan: 120,
  hostId: 'hv-a',
  pciAddress: null,
  pf: null,
  vfIndex: null,
  ...over,
});

const instance: InstanceView = {
  id: ID,
  name: 'web',
  tenant: 'acme',
  hostId: 'hv-a',
  state: 'active',
  vcpus: 2,
  memoryMb: 1024,
  numaPolicy: 'required',
  numaNode: 0,
  hostLabels: {},
  createdAt: '2025-01-01T00:00:00.000Z',
  ports: [
    port({ id: 'meta', vnicType: 'normal', mac: 'fa:16:3e:00:00:10' }),
    port({ id: 'p1', vnicType: 'direct', mac: 'fa:16:3e:00:00:01', pciAddress: '0000:3b:02.0' }),
    port({ id: 'p2', vnicType: 'direct', mac: 'fa:16:3e:00:00:02', pciAddress: '0000:3b:02.1' }),
    port({ id: 'mv', vnicType: 'macvtap', mac: 'fa:16:3e:00:00:03', pciAddress: '0000:3b:02.2' }),
    port({ id: 'pf', vnicType: 'direct-physical', mac: null, pciAddress: '0000:3b:00.1' }),
  ],
};

const facts = wiringFactsOf(
  {
    pfs: [
      {
        pciAddress: '0000:3b:00.0',
        ifname: 'ens1f0',
        numaNode: 0,
        vfs: [
          { index: 0, pciAddress: '0000:3b:02.0', driverKind: 'vfio', iommuGroup: 70 },
          { index: 1, pciAddress: '0000:3b:02.1', driverKind: 'vfio', iommuGroup: 71 },
          {
            index: 2,
            pciAddress: '0000:3b:02.2',
            driverKind: 'kernel',
            netdev: 'ens1f0v2',
            iommuGroup: 72,
          },
        ],
      },
      { pciAddress: '0000:3b:00.1', ifname: 'ens1f1', numaNode: 0, vfs: [] },
    ],
  },
  [{ node: 0, socket: 0, cpus: 4, cpuList: [0, 1, 2, 3] }],
);

const boot = (ports: VmBoot['ports']): VmBoot => ({
  base: { kind: 'template', diskImage: '/var/lib/vfleet/images/web.qcow2' },
  ports,
});

describe('a fleet instance rendered for its host, as libvirt sees it', () => {
  it('with failover standbys (bridge and libvirt network) on every vnic type', async () => {
    const b = boot({
      meta: { libvirtNetwork: 'vfleet-meta' },
      p1: { standby: { bridge: 'br-fo' } },
      p2: { standby: {} },
    });
    const xml = renderDomainXml(instanceWiring(instance, b, facts)).xml;
    expect(xml).toContain('<teaming type="persistent"/>');
    expect(xml).toContain('<teaming type="transient" persistent="ua-p1-standby"/>');
    expect(xml).toContain('<teaming type="transient" persistent="ua-p2-standby"/>');
    const check = await validateLibvirtXml(runner, xml, 'domain');
    expect(check.output).toMatch(/validates$/);
    expect(check.valid).toBe(true);
    await testLibvirt.define(xml);
  });

  it('the schema does reject a broken teaming (so the check above can fail)', async () => {
    const xml = renderDomainXml(
      instanceWiring(instance, boot({ p1: { standby: { bridge: 'br-fo' } } }), facts),
    ).xml;
    const broken = xml.replace('<teaming type="persistent"/>', '<teaming type="standby"/>');
    expect(broken).not.toBe(xml);
    const check = await validateLibvirtXml(runner, broken, 'domain');
    expect(check.valid).toBe(false);
  });
});
