import { expect, it } from 'vitest';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { validateLibvirtXml } from '../adapters/virsh/virt-xml-validate.js';
import type { HostInventory } from '../core/inventory.js';
import { pciOfAddressElement } from '../core/libvirt/base-domain.js';
import { renderDomainXml } from '../core/libvirt/render-domain.js';
import type { ClaimedVf, HostNumaNode, DomainRequest } from '../core/libvirt/domain-request.js';
import { parseXml } from '../core/libvirt/xml-parse.js';
import { attrOf, childElements, type XmlElement } from '../core/libvirt/xml-tree.js';
import { parseCpuList } from '../core/pci-address.js';
import type { IrqPinReport } from '../host/irq-affinity.js';
import type { Lab } from '../lab/lab.js';
import { guestOk, writeGuestFile } from './lab-kit.js';

const PF1 = '0000:81:00.0';
const dev = (addr: string) => `/sys/bus/pci/devices/${addr}`;

const state = (pf1Driver: string) => `pfs:
  - pciAddress: "0000:01:00.0"
    numVfs: 2
    vfDriver: kernel
  - pciAddress: "${PF1}"
    numVfs: 2
    vfDriver: ${pf1Driver}
`;

const interfaceOf = (xml: string): XmlElement => {
  const devices = childElements(parseXml(xml, 'domain'), 'devices')[0];
  const nic =
    devices && childElements(devices, 'interface').find((e) => attrOf(e, 'type') === 'hostdev');
  if (nic === undefined) throw new Error('no hostdev interface in the rendered domain');
  return nic;
};

/**
 * libvirt request against a real kernel (issue 5, item 6): the XML vfleet
 * renders from `host scan` names the VF the kernel has bound to vfio-pci,
 * in the IOMMU group the kernel reports; and the IRQs of VF host netdevs end
 * up on their NUMA node's CPUs. Cases, not a suite: they run on lab.lab's
 * main guest (two PFs, the second on NUMA node 1, CPU 1, so placement and IRQ
 * pinning have a node to be local to) right after its reboot, when the kernel
 * has no VFs yet; a guest of their own cost CI about 20 s to boot.
 */
export function libvirtDomainCases(lab: Lab, name: string): void {
  const ok = (script: string) => guestOk(lab, name, script);
  const cat = async (path: string) => (await ok(`cat ${path}`)).trim();
  const linkName = async (path: string) => (await ok(`basename "$(readlink ${path})"`)).trim();

  async function apply(file: string, pf1Driver: string): Promise<void> {
    await writeGuestFile(lab, name, `/tmp/${file}`, state(pf1Driver));
    await ok(`vfleet host apply -f /tmp/${file} >/dev/null`);
  }

  /** The guest's NUMA nodes, as the kernel lists them. */
  async function hostNuma(): Promise<HostNumaNode[]> {
    const out = await ok(
      'for n in /sys/devices/system/node/node[0-9]*; do echo "${n##*node} $(cat $n/cpulist)"; done',
    );
    return out
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .map(([node, cpus]) => ({
        node: Number(node),
        cpus: parseCpuList(cpus ?? '') ?? [],
        socket: null,
      }));
  }

  it('renders the VF the kernel bound to vfio-pci, in its IOMMU group, pinned to its node', async () => {
    await apply('vfio.yaml', 'vfio-pci');
    const inv = JSON.parse(await ok('vfleet host scan -o json')) as HostInventory;
    const pf = inv.pfs.find((p) => p.pciAddress === PF1);
    const vf = pf?.vfs.find((v) => v.driverKind === 'vfio');
    if (pf === undefined || vf === undefined) throw new Error(`scan shows no vfio VF on ${PF1}`);
    const claimed: ClaimedVf = {
      pciAddress: vf.pciAddress,
      pfIfname: pf.ifname,
      vfIndex: vf.index,
      netdev: vf.netdev,
      driverKind: vf.driverKind,
      vdpaDevice: null,
      iommuGroup: vf.iommuGroup,
      numaNode: vf.numaNode,
    };
    const request: DomainRequest = {
      name: 'lab-vm',
      vcpus: 1,
      memoryMb: 256,
      numaPolicy: 'required',
      ports: [{ id: 'p0', vnicType: 'direct', mac: 'fa:16:3e:00:00:01', vlan: 100, vf: claimed }],
      base: { kind: 'template', diskImage: '/var/lib/vfleet/images/lab-vm.qcow2' },
      hostNuma: await hostNuma(),
    };
    const { xml, placement } = renderDomainXml(request);
    const source = childElements(interfaceOf(xml), 'source')[0];
    const address = source && childElements(source, 'address')[0];
    const rendered = address === undefined ? null : pciOfAddressElement(address);
    if (rendered === null) throw new Error(`no source address in\n${xml}`);

    // The kernel's view: that function is VF vf.index of PF1 and bound to vfio-pci.
    expect(rendered).toBe(await linkName(`${dev(PF1)}/virtfn${vf.index}`));
    expect(await linkName(`${dev(rendered)}/driver`)).toBe('vfio-pci');
    expect((await ok('ls /sys/bus/pci/drivers/vfio-pci')).split(/\s+/)).toContain(rendered);
    // Its IOMMU group is the one vfleet used, libvirt will open /dev/vfio/<group>,
    // and every device in the group is on vfio-pci (or driverless): the group is viable.
    const group = Number(await linkName(`${dev(rendered)}/iommu_group`));
    expect(claimed.iommuGroup).toBe(group);
    await ok(`test -c /dev/vfio/${group}`);
    const members = (await ok(`ls /sys/kernel/iommu_groups/${group}/devices`)).trim().split(/\s+/);
    for (const m of members) {
      const driver = (
        await ok(`basename "$(readlink ${dev(m)}/driver)" 2>/dev/null || true`)
      ).trim();
      expect(['vfio-pci', ''], `${m} in group ${group}`).toContain(driver);
    }
    // vCPUs and memory on the VF's node, as the kernel places the device.
    expect(placement?.nodes).toEqual([Number(await cat(`${dev(rendered)}/numa_node`))]);
    expect(placement?.cpus).toEqual(parseCpuList(await cat(`${dev(rendered)}/local_cpulist`)));
    expect(placement?.nodes).toEqual([1]);
    // And libvirt's own schema accepts the document.
    const runner = createExecRunner({ path: process.env.PATH, env: process.env });
    const check = await validateLibvirtXml(runner, xml, 'domain');
    expect(check.valid, check.output).toBe(true);
  });

  it('pins the IRQs of VF host netdevs to their node, read back from /proc/irq', async () => {
    await apply('kernel.yaml', 'kernel');
    const vfs = [await linkName(`${dev(PF1)}/virtfn0`), await linkName(`${dev(PF1)}/virtfn1`)];
    const irqsOf = async (vf: string) =>
      (await ok(`ls ${dev(vf)}/msi_irqs`)).trim().split(/\s+/).map(Number);
    const irqs = (await Promise.all(vfs.map(irqsOf))).flat().sort((a, b) => a - b);
    expect(irqs.length).toBeGreaterThan(0);
    // The driver requests its IRQs (and the kernel makes /proc/irq/N) when the netdev goes up.
    for (const vf of vfs) await ok(`/usr/sbin/ip link set "$(ls ${dev(vf)}/net)" up`);
    const local = await cat(`${dev(vfs[0] ?? '')}/local_cpulist`);
    expect(local).toBe('1');
    // Start every vector on CPU 0 (node 0), so pinning has to change each one.
    await ok(irqs.map((i) => `echo 0 > /proc/irq/${i}/smp_affinity_list`).join(' && '));

    const first = JSON.parse(await ok('vfleet host pin-irqs -o json')) as IrqPinReport;
    const onPf1 = first.pins.filter((p) => vfs.includes(p.vf));
    const byIrq = (a: { irq: number | null }, b: { irq: number | null }) =>
      (a.irq ?? 0) - (b.irq ?? 0);
    expect(onPf1.sort(byIrq).map((p) => [p.irq, p.result, p.detail])).toEqual(
      irqs.map((i) => [i, 'changed', null]),
    );
    for (const i of irqs) expect(await cat(`/proc/irq/${i}/smp_affinity_list`)).toBe(local);
    // The VFs of the PF without a NUMA node are left alone, saying why.
    const others = first.pins.filter((p) => !vfs.includes(p.vf));
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((p) => p.result === 'skipped' && p.numaNode === null)).toBe(true);

    const second = JSON.parse(await ok('vfleet host pin-irqs -o json')) as IrqPinReport;
    expect(second.pins.filter((p) => vfs.includes(p.vf)).map((p) => p.result)).toEqual(
      irqs.map(() => 'already-right'),
    );
  });
}
