import { checkIfname, checkObjectName, checkPciAddress, isList } from './field-checks.js';
import { Problems } from './problems.js';
import { pciAddressElement } from './render-ports.js';
import type { HostdevNetworkRequest } from './domain-request.js';
import { el, serializeXml } from './xml-tree.js';

/** Checks a hostdev network before rendering; INVALID_INPUT naming the field. */
export function validateHostdevNetwork(n: HostdevNetworkRequest): void {
  const p = new Problems();
  checkObjectName(p, 'name', n.name);
  const hasPf = n.pfIfname !== undefined;
  const hasList = n.vfAddresses !== undefined;
  if (hasPf === hasList) {
    p.add('pfIfname', 'give either pfIfname or vfAddresses, not both and not neither');
  }
  if (hasPf) checkIfname(p, 'pfIfname', n.pfIfname);
  if (n.vfAddresses !== undefined) {
    if (!isList(n.vfAddresses) || n.vfAddresses.length === 0) {
      p.add('vfAddresses', 'must list at least one VF address');
    } else {
      const seen = new Set<string>();
      n.vfAddresses.forEach((a, i) => {
        const pci = checkPciAddress(p, `vfAddresses[${i}]`, a);
        if (pci !== null && seen.has(pci)) p.add(`vfAddresses[${i}]`, `${pci} is listed twice`);
        if (pci !== null) seen.add(pci);
      });
    }
  }
  p.throwIfAny('hostdev network');
}

/**
 * A libvirt network whose interfaces are VFs from a pool (forward mode
 * hostdev): guests then ask for `<interface type='network'>` and libvirt
 * picks a free VF. libvirt takes a single `<pf>`, so a physnet spread over
 * several PFs is written as an explicit address list.
 */
export function renderHostdevNetworkXml(n: HostdevNetworkRequest): string {
  validateHostdevNetwork(n);
  const pool =
    n.pfIfname !== undefined
      ? [el('pf', { dev: n.pfIfname })]
      : (n.vfAddresses ?? []).map((a) => pciAddressElement(a));
  return serializeXml(
    el('network', {}, [
      el('name', {}, [n.name]),
      el('forward', { mode: 'hostdev', managed: 'yes' }, [el('driver', { name: 'vfio' }), ...pool]),
    ]),
  );
}
