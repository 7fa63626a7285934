import { parseXml } from './xml-parse.js';
import { attrOf, childElements } from './xml-tree.js';

/** The CPU pinning of a domain as `vcpupin`/`emulatorpin --live` set it on a running guest. */
export interface LivePins {
  readonly vcpus: readonly { readonly vcpu: number; readonly cpuset: string }[];
  readonly emulator: string | null;
}

/**
 * The `<cputune>` pins of a domain document. A running guest keeps the pins
 * it started (or arrived) with; after a live migration these say where its
 * vCPUs belong on the new host, next to its new VFs.
 */
export function livePinsOf(domainXml: string): LivePins {
  const root = parseXml(domainXml, 'domain');
  const tune = childElements(root, 'cputune')[0];
  if (tune === undefined) return { vcpus: [], emulator: null };
  const vcpus = childElements(tune, 'vcpupin').flatMap((p) => {
    const vcpu = attrOf(p, 'vcpu');
    const cpuset = attrOf(p, 'cpuset');
    return vcpu !== undefined && /^\d+$/.test(vcpu) && cpuset !== undefined
      ? [{ vcpu: Number(vcpu), cpuset }]
      : [];
  });
  const emu = childElements(tune, 'emulatorpin')[0];
  return { vcpus, emulator: emu === undefined ? null : (attrOf(emu, 'cpuset') ?? null) };
}
