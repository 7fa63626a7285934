import type { HostFs } from '../../core/ports.js';

const PCI_IDS_PATHS = ['/usr/share/misc/pci.ids', '/usr/share/hwdata/pci.ids'];

/**
 * Names for the given vendor:device ids from the system's pci.ids, keyed
 * `vendor` and `vendor:device`. Only the wanted ids are kept, so a large
 * pci.ids costs one read and one pass.
 */
export async function readPciNames(
  fs: HostFs,
  wanted: readonly { vendorId: string; deviceId: string }[],
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (wanted.length === 0) return names;
  let text: string | null = null;
  for (const p of PCI_IDS_PATHS) {
    text = await fs.readText(p);
    if (text !== null) break;
  }
  if (text === null) return names;
  const vendors = new Set(wanted.map((w) => w.vendorId));
  const devices = new Set(wanted.map((w) => `${w.vendorId}:${w.deviceId}`));
  let vendor: string | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('C ')) break; // device classes follow the vendor list
    if (line === '' || line.startsWith('#')) continue;
    if (!line.startsWith('\t')) {
      const id = line.slice(0, 4).toLowerCase();
      vendor = vendors.has(id) ? id : null;
      if (vendor !== null) names.set(vendor, line.slice(4).trim());
    } else if (vendor !== null && !line.startsWith('\t\t')) {
      const key = `${vendor}:${line.slice(1, 5).toLowerCase()}`;
      if (devices.has(key)) names.set(key, line.slice(5).trim());
    }
  }
  return names;
}
