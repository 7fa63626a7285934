import type { HostFs } from '../../core/ports.js';

/**
 * Typed reads of single sysfs attributes. A missing file is null; a file
 * that exists but does not parse is null plus a warning, so one odd device
 * never hides the rest of the host.
 */
export class SysfsValues {
  readonly warnings: string[] = [];
  constructor(private readonly fs: HostFs) {}

  async text(path: string): Promise<string | null> {
    const raw = await this.fs.readText(path);
    return raw === null ? null : raw.trim();
  }

  async int(path: string): Promise<number | null> {
    const t = await this.text(path);
    if (t === null || t === '') return null;
    if (!/^-?\d+$/.test(t)) {
      this.warnings.push(`${path}: "${t.slice(0, 40)}" is not a number`);
      return null;
    }
    return Number(t);
  }

  /** `0x8086` -> `8086`. */
  async hexId(path: string): Promise<string | null> {
    const t = await this.text(path);
    if (t === null || t === '') return null;
    const m = /^(?:0x)?([0-9a-fA-F]{1,4})$/.exec(t);
    if (!m?.[1]) {
      this.warnings.push(`${path}: "${t.slice(0, 40)}" is not a PCI id`);
      return null;
    }
    return m[1].toLowerCase().padStart(4, '0');
  }

  /** Basename of a symlink's target (`../../bus/pci/drivers/igb` -> `igb`). */
  async linkName(path: string): Promise<string | null> {
    const target = await this.fs.readLink(path);
    if (target === null) return null;
    const name = target.replace(/\/+$/, '').split('/').pop();
    return name === undefined || name === '' ? null : name;
  }
}
