import { describe, expect, it } from 'vitest';
import { createExecRunner } from '../../adapters/exec/exec-runner.js';
import { createVirshDriver } from '../../adapters/virsh/virsh-driver.js';
import { validateLibvirtXml } from '../../adapters/virsh/virt-xml-validate.js';
import { forwarderCmdline, forwarderDomainXml, type ForwarderVm } from './forwarder-vm.js';
import { EVERY_VM_PATH } from './vm-path-examples.js';
import { planVmPaths } from './vm-path-plan.js';

const runner = createExecRunner({ path: process.env.PATH });

const plan = planVmPaths('31337', EVERY_VM_PATH);

const vm: ForwarderVm = {
  name: 'vfleet-dp-31337',
  virtType: 'kvm',
  kernel: '/boot/vmlinuz-6.1.0-28-amd64',
  initrd: '/run/vfleet/datapath/vfleet-dp-31337/initrd',
  console: '/run/vfleet/datapath/vfleet-dp-31337/console.log',
  vcpus: 2,
  memoryMiB: 512,
  cpuset: [2, 3, 4, 6],
  ports: plan.ports,
};

describe('forwarderDomainXml', () => {
  it('is a domain libvirt accepts: its schema and its parser', async () => {
    const xml = forwarderDomainXml(vm);
    const check = await validateLibvirtXml(runner, xml, 'domain');
    expect(check.output).toMatch(/validates$/);
    // The test driver parses the whole domain (hostdev interfaces included) without a daemon.
    const libvirt = createVirshDriver(runner, { uri: 'test:///default' });
    await expect(libvirt.define(xml)).resolves.toBeUndefined();
  });

  it('wires each path as the seeds do, pinned to the NIC node, booting the host kernel', () => {
    const xml = forwarderDomainXml({ ...vm, virtType: 'qemu', cpuset: null });
    expect(xml).toContain('<vcpu placement="static">2</vcpu>');
    expect(xml).toContain('<cpu mode="maximum"/>');
    expect(forwarderDomainXml(vm)).toContain('<vcpu placement="static" cpuset="2-4,6">2</vcpu>');
    expect(xml).toMatch(
      /<interface type="hostdev" managed="yes">\s*<mac address="02:76:00:7a:69:00"\/>\s*<source>\s*<address type="pci" domain="0x0000" bus="0x03" slot="0x10" function="0x4"\/>/,
    );
    expect(xml).toMatch(
      /<interface type="direct">\s*<mac address="02:76:00:7a:69:02"\/>\s*<source dev="eth0" mode="bridge"\/>\s*<model type="virtio"\/>/,
    );
    expect(xml).toMatch(
      /<source bridge="vd31337hi"\/>\s*<model type="virtio"\/>\s*<driver name="vhost"\/>/,
    );
    expect(xml).toMatch(
      /<source bridge="vd31337vi"\/>\s*<model type="virtio"\/>\s*<driver name="qemu"\/>/,
    );
    expect(xml).toMatch(/<source bridge="vd31337ei"\/>\s*<model type="e1000"\/>\s*<\/interface>/);
    expect(xml).toContain('<kernel>/boot/vmlinuz-6.1.0-28-amd64</kernel>');
    expect(xml).toContain('<serial type="file">');
  });

  it('hands every port to the guest as MAC@CIDR on the command line', () => {
    const line = forwarderCmdline(plan.ports.slice(0, 2));
    expect(line).toMatch(/ ipv6\.disable=1 /);
    expect(line).toMatch(
      / vfleet\.fwd=02:76:00:7a:69:00@198\.18\.0\.254\/24,02:76:00:7a:69:01@198\.19\.0\.254\/24$/,
    );
  });
});
