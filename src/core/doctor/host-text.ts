import type { CpuVendor, OsFamily } from './input.js';

/** `vendor_id : GenuineIntel` in /proc/cpuinfo. Hygon CPUs use the AMD IOMMU (AMD-Vi). */
export function parseCpuVendor(cpuinfo: string): CpuVendor | null {
  const m = /^vendor_id\s*:\s*(\S+)/m.exec(cpuinfo);
  if (!m?.[1]) return null;
  if (m[1] === 'GenuineIntel') return 'intel';
  if (m[1] === 'AuthenticAMD' || m[1] === 'HygonGenuine') return 'amd';
  return 'other';
}

/** DMI vendor or product names of hypervisors' virtual machines. */
const VIRTUAL_DMI =
  /\b(QEMU|KVM|VMware|Microsoft Corporation|Virtual Machine|VirtualBox|innotek|Xen|Bochs|Parallels|OpenStack|Amazon EC2|Google Compute Engine)\b/i;

/**
 * Why this host looks like a VM, as evidence text, or null: the cpuinfo
 * `hypervisor` flag (set by every x86 hypervisor) and the DMI vendor and
 * product (which name it).
 */
export function detectVirtualisation(
  cpuinfo: string | null,
  sysVendor: string | null,
  productName: string | null,
): string | null {
  const signs: string[] = [];
  if (cpuinfo !== null && /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo))
    signs.push('/proc/cpuinfo flags: hypervisor');
  for (const [path, text] of [
    ['/sys/class/dmi/id/sys_vendor', sysVendor],
    ['/sys/class/dmi/id/product_name', productName],
  ] as const) {
    const t = text?.trim() ?? '';
    if (VIRTUAL_DMI.test(t)) signs.push(`${path}: ${t}`);
  }
  return signs.length === 0 ? null : signs.join('; ');
}

/** ID and ID_LIKE of /etc/os-release. */
export function parseOsFamily(osRelease: string): OsFamily | null {
  const field = (k: string) =>
    new RegExp(`^${k}=["']?([^"'\\n]*)`, 'm').exec(osRelease)?.[1]?.toLowerCase() ?? '';
  const ids = `${field('ID')} ${field('ID_LIKE')}`.split(/\s+/).filter((s) => s !== '');
  if (ids.length === 0) return null;
  if (ids.some((i) => i === 'debian' || i === 'ubuntu')) return 'debian';
  if (ids.some((i) => ['rhel', 'fedora', 'centos'].includes(i))) return 'rhel';
  if (ids.some((i) => i.startsWith('suse') || i.startsWith('opensuse') || i === 'sles'))
    return 'suse';
  return 'other';
}

/** Arguments of a kernel command line; later ones win, as in the kernel. */
export function parseCmdline(cmdline: string | null): Map<string, string> {
  const args = new Map<string, string>();
  for (const word of (cmdline ?? '').trim().split(/\s+/)) {
    if (word === '') continue;
    const eq = word.indexOf('=');
    if (eq < 0) args.set(word, '');
    else args.set(word.slice(0, eq), word.slice(eq + 1));
  }
  return args;
}

/**
 * Whether `key=value` is on the command line. Values are comma lists for the
 * options doctor asks about, so `pci=realloc` matches `pci=noaer,realloc`.
 */
export function hasKernelArg(cmdline: string | null, arg: string): boolean {
  const [key = '', value = ''] = arg.split('=', 2);
  const have = parseCmdline(cmdline).get(key);
  if (have === undefined) return false;
  return have.split(',').includes(value);
}
