import { VfleetError } from '../errors.js';
import type { HostInventory, Pf, Vf } from '../inventory.js';

/** The PF the run measures on, and two of its VFs when it has them free. */
export interface EndpointChoice {
  readonly pf: Pf & { readonly ifname: string };
  /** Sender and receiver VF netdevs; null when the PF has no two free VFs (the vf path is skipped). */
  readonly vfs: { readonly sender: Vf; readonly receiver: Vf } | null;
  /** Why `vfs` is null. */
  readonly vfsMissing: string | null;
  /** The PF's other free VFs: a forwarding VM's VF ports come from these. */
  readonly spare: readonly Vf[];
}

export interface EndpointWish {
  /** PF netdev name (`--pf`). */
  readonly pf?: string;
  /** Two VF netdev names (`--vfs`), sender first. */
  readonly vfs?: readonly string[];
}

const refuse = (field: string, message: string): VfleetError =>
  new VfleetError('INVALID_INPUT', `--${field}: ${message}`, { field });

/**
 * A VF the bench may borrow: a netdev of the kernel's VF driver that is
 * down, so no host service is using it. A VF held by vfio-pci belongs to a
 * VM and is never touched.
 */
const free = (vf: Vf): vf is Vf & { netdev: string } =>
  vf.driverKind === 'kernel' && vf.netdev !== null && vf.netdevUp !== true;

function namedVfs(pf: Pf, names: readonly string[]): { sender: Vf; receiver: Vf } {
  const [s, r] = names.map((n) => {
    const vf = pf.vfs.find((v) => v.netdev === n);
    if (vf === undefined)
      throw refuse('vfs', `${n} is not a VF netdev of ${pf.ifname ?? pf.pciAddress}`);
    if (!free(vf))
      throw refuse(
        'vfs',
        `${n} is up or not on its kernel driver: it may be in use; set it down first`,
      );
    return vf;
  });
  if (s === undefined || r === undefined || names.length !== 2 || s === r)
    throw refuse('vfs', 'give two different VF netdevs, sender first (--vfs eth2,eth3)');
  return { sender: s, receiver: r };
}

const isUp = (pf: Pf): pf is Pf & { ifname: string } => pf.ifname !== null && pf.adminUp === true;

/**
 * Picks the PF (named, or the first that is up with two free VFs, or the
 * first that is up) and two free VFs on it. A PF that is down is refused:
 * its VFs carry no traffic and the bench does not change host state beyond
 * what it borrows.
 */
export function chooseEndpoints(inv: HostInventory, wish: EndpointWish): EndpointChoice {
  let pf: Pf | undefined;
  if (wish.pf !== undefined) {
    pf = inv.pfs.find((p) => p.ifname === wish.pf);
    if (pf === undefined) throw refuse('pf', `${wish.pf} is not an SR-IOV PF on this host`);
  } else if (wish.vfs?.[0] !== undefined) {
    // The PF that owns the first VF named.
    const first = wish.vfs[0];
    pf = inv.pfs.find((p) => p.vfs.some((v) => v.netdev === first));
    if (pf === undefined) throw refuse('vfs', `${first} is not a VF netdev on this host`);
  } else {
    const up = inv.pfs.filter(isUp);
    pf = up.find((p) => p.vfs.filter(free).length >= 2) ?? up[0] ?? inv.pfs[0];
    if (pf === undefined) throw refuse('pf', 'this host has no SR-IOV PF');
  }
  if (!isUp(pf))
    throw refuse(
      'pf',
      `${pf.ifname ?? pf.pciAddress} is down: its VFs carry no traffic (vfleet host apply brings PFs up)`,
    );
  if (wish.vfs !== undefined) {
    const vfs = namedVfs(pf, wish.vfs);
    const spare = pf.vfs.filter((v) => free(v) && v !== vfs.sender && v !== vfs.receiver);
    return { pf, vfs, vfsMissing: null, spare };
  }
  const [sender, receiver, ...spare] = pf.vfs.filter(free);
  if (sender === undefined || receiver === undefined)
    return {
      pf,
      vfs: null,
      vfsMissing: `${pf.ifname} has no two free VFs (kernel driver, netdev down); create them with vfleet host apply`,
      spare: [],
    };
  return { pf, vfs: { sender, receiver }, vfsMissing: null, spare };
}
