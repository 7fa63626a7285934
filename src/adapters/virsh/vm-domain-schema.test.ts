import { describe, expect, it } from 'vitest';
import { hostRenderFactsOf } from '../../core/fleet/host-render-facts.js';
import { domainRequestOf } from '../../core/fleet/vm-domain.js';
import { domainXmlPolicyProblems } from '../../core/libvirt/domain-policy.js';
import { renderDomainXml } from '../../core/libvirt/render-domain.js';
import { boot, FACTS, instanceView, portView } from '../../testing/vm-domain-fixture.js';
import { createExecRunner } from '../exec/exec-runner.js';
import { createVirshDriver } from './virsh-driver.js';
import { validateLibvirtXml } from './virt-xml-validate.js';

/**
 * A fleet instance (store view + boot options + the host's reported facts)
 * rendered to a domain that libvirt itself accepts: its Relax-NG schema and
 * its parser (virsh define on the in-process test:///default driver).
 * The core tests check the domain request and its rendering; this checks libvirt agrees with it.
 */
const runner = createExecRunner({ path: process.env.PATH });
const testLibvirt = createVirshDriver(runner, { uri: 'test:///default' });

const instance = instanceView([
  portView({ id: 'meta', vnicType: 'normal', mac: 'fa:16:3e:00:00:10' }),
  portView({ id: 'p1', vnicType: 'direct', mac: 'fa:16:3e:00:00:01', pciAddress: '0000:3b:02.0' }),
  portView({ id: 'p2', vnicType: 'direct', mac: 'fa:16:3e:00:00:02', pciAddress: '0000:3b:02.1' }),
  portView({ id: 'mv', vnicType: 'macvtap', mac: 'fa:16:3e:00:00:03', pciAddress: '0000:3b:02.2' }),
  portView({ id: 'pf', vnicType: 'direct-physical', mac: null, pciAddress: '0000:3b:00.1' }),
]);

describe('a fleet instance rendered for its host, as libvirt sees it', () => {
  it('with failover standbys (bridge and libvirt network) on every vnic type', async () => {
    const b = boot({
      meta: { libvirtNetwork: 'vfleet-meta' },
      p1: { standby: { bridge: 'br-fo' } },
      p2: { standby: {} },
    });
    const xml = renderDomainXml(domainRequestOf(instance, b, FACTS)).xml;
    expect(xml).toContain('<teaming type="persistent"/>');
    expect(xml).toContain('<teaming type="transient" persistent="ua-p1-standby"/>');
    expect(xml).toContain('<teaming type="transient" persistent="ua-p2-standby"/>');
    const check = await validateLibvirtXml(runner, xml, 'domain');
    expect(check.output).toMatch(/validates$/);
    expect(check.valid).toBe(true);
    await testLibvirt.define(xml);
  });

  it('a tenant instance booting an image by name with its own XML, as the agent checks it', async () => {
    const images = { dir: '/var/lib/vfleet/images', images: [], omitted: 0 };
    const facts = { ...FACTS, images };
    const b = {
      ...boot({ p1: { standby: { bridge: 'br-fo' } } }),
      base: {
        kind: 'xml' as const,
        xml: '<domain type="kvm"><os firmware="efi"><type>hvm</type></os><devices><rng model="virtio"><backend model="random">/dev/urandom</backend></rng></devices></domain>',
      },
      image: { ref: 'web.img', format: 'raw' as const },
      policy: 'tenant' as const,
    };
    const withImage = {
      ...facts,
      images: { ...images, images: [{ name: 'web.img', format: 'raw' as const, sizeBytes: 1 }] },
    };
    const xml = renderDomainXml(domainRequestOf(instance, b, withImage)).xml;
    expect(xml).toContain('<source file="/var/lib/vfleet/images/web.img"/>');
    expect(xml).toContain('<seclabel type="dynamic" relabel="yes"/>');
    const policy = { stage: 'rendered' as const, imageDir: images.dir, seedDir: null };
    expect(domainXmlPolicyProblems(xml, policy, 'xml')).toEqual([]);
    const check = await validateLibvirtXml(runner, xml, 'domain');
    expect(check.output).toMatch(/validates$/);
    await testLibvirt.define(xml);
  });

  it('a vdpa port on a VLAN network: no <vlan> (libvirt refuses one at start), the rest validates', async () => {
    // A kernel VF carrying a vDPA device on vhost_vdpa, as the agent reports it.
    const vdpaFacts = hostRenderFactsOf(
      {
        pfs: [
          {
            pciAddress: '0000:08:00.0',
            ifname: 'ens8f0np0',
            numaNode: 0,
            vfs: [
              {
                index: 1,
                pciAddress: '0000:08:00.3',
                driverKind: 'kernel',
                netdev: 'ens8f0v1',
                vdpa: { charDev: '/dev/vhost-vdpa-1', driver: 'vhost_vdpa' },
              },
            ],
          },
        ],
      },
      [{ node: 0, socket: 0, cpus: 4, cpuList: [0, 1, 2, 3] }],
    );
    const tagged = instanceView([
      portView({ id: 'vd', vnicType: 'vdpa', vlan: 120, pciAddress: '0000:08:00.3' }),
    ]);
    const xml = renderDomainXml(domainRequestOf(tagged, boot(), vdpaFacts)).xml;
    expect(xml).toContain('<interface type="vdpa">');
    expect(xml).toContain('<source dev="/dev/vhost-vdpa-1"/>');
    expect(xml).not.toContain('<vlan');
    const check = await validateLibvirtXml(runner, xml, 'domain');
    expect(check.output).toMatch(/validates$/);
    await testLibvirt.define(xml);
  });

  it('the schema does reject a broken teaming (so the check above can fail)', async () => {
    const xml = renderDomainXml(
      domainRequestOf(instance, boot({ p1: { standby: { bridge: 'br-fo' } } }), FACTS),
    ).xml;
    const broken = xml.replace('<teaming type="persistent"/>', '<teaming type="standby"/>');
    expect(broken).not.toBe(xml);
    const check = await validateLibvirtXml(runner, broken, 'domain');
    expect(check.valid).toBe(false);
  });
});
