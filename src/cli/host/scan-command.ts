import type { Command } from 'commander';
import type { HostInventory, Pf } from '../../core/inventory.js';
import { scanHost } from '../../host/scan.js';
import type { CliDeps } from '../cli-deps.js';
import type { HostCommandOptions } from '../common-options.js';
import { hostRootOption, outputOption } from '../common-options.js';
import { renderData, renderTable } from '../output.js';

export function registerScanCommand(host: Command, deps: CliDeps): void {
  host
    .command('scan')
    .description('list SR-IOV PFs and their VFs (PCI, driver, NUMA, IOMMU, MAC, VLAN, rates)')
    .addOption(hostRootOption())
    .addOption(outputOption())
    .action(async (opts: HostCommandOptions) => {
      const inv = await scanHost({ fs: deps.hostFs(opts.hostRoot), runner: deps.runner });
      for (const w of inv.warnings) deps.err(`warning: ${w}\n`);
      deps.out(opts.output === 'table' ? renderInventory(inv) : renderData(opts.output, inv));
    });
}

const ids = (v: { vendorId: string; deviceId: string }) => `${v.vendorId}:${v.deviceId}`;

export function renderInventory(inv: HostInventory): string {
  const parts: string[] = [];
  if (inv.pfs.length === 0) parts.push('No SR-IOV capable PFs found.\n');
  for (const pf of inv.pfs) parts.push(renderPf(pf));
  if (inv.otherNics.length > 0) {
    parts.push(
      'Other NICs (no SR-IOV):\n' +
        renderTable(
          ['pci', 'ifname', 'driver', 'id', 'numa', 'name'],
          inv.otherNics.map((n) => [
            n.pciAddress,
            n.ifname,
            n.driver,
            ids(n),
            n.numaNode,
            n.deviceName,
          ]),
          '  ',
        ),
    );
  }
  return parts.join('\n');
}

function renderPf(pf: Pf): string {
  const head = renderTable(
    ['pf', 'ifname', 'driver', 'id', 'vfs', 'link', 'speed', 'numa', 'cpus', 'iommu', 'name'],
    [
      [
        pf.pciAddress,
        pf.ifname,
        pf.driver,
        ids(pf),
        `${pf.numVfs}/${pf.totalVfs}`,
        pf.linkState,
        pf.speedMbps === null ? null : `${pf.speedMbps}Mb/s`,
        pf.numaNode,
        pf.localCpus,
        pf.iommuGroup,
        pf.deviceName,
      ],
    ],
  );
  if (pf.vfs.length === 0) return head;
  const vfs = renderTable(
    [
      'vf',
      'pci',
      'driver',
      'netdev',
      'mac',
      'vlan',
      'qos',
      'spoofchk',
      'trust',
      'state',
      'min',
      'max',
      'iommu',
    ],
    pf.vfs.map((v) => [
      v.index,
      v.pciAddress,
      v.driver,
      v.netdev,
      v.mac,
      v.vlan === 0 ? null : v.vlanProto === '802.1ad' ? `${v.vlan}/ad` : v.vlan,
      v.vlan === 0 ? null : v.qos,
      v.spoofchk,
      v.trust,
      v.linkState,
      v.minTxRate === 0 ? null : v.minTxRate,
      v.maxTxRate === 0 ? null : v.maxTxRate,
      v.iommuGroup,
    ]),
    '  ',
  );
  return head + vfs;
}
