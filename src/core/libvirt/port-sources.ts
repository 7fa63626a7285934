import type { Problem } from './problems.js';
import type { DomainPolicy } from './domain-request.js';

/**
 * Host bridges and libvirt networks a `tenant`-policy token may attach its
 * ports to (`bridge`, `libvirtNetwork` and their `standby`). A bridge is a
 * wire into a host network (the management LAN, storage), and a libvirt
 * network may be a hostdev pool that hands out a VF without a claim, so
 * only the ones the operator declared are allowed (docs/security.md).
 */
export interface TenantPortSources {
  readonly bridges: readonly string[];
  readonly libvirtNetworks: readonly string[];
}

/** libvirt's own NAT network: guests reach the outside through the host, not its LANs. */
export const DEFAULT_TENANT_PORT_SOURCES: TenantPortSources = {
  bridges: [],
  libvirtNetworks: ['default'],
};

interface PortSources {
  readonly bridge?: string | undefined;
  readonly libvirtNetwork?: string | undefined;
  readonly standby?:
    | { readonly bridge?: string | undefined; readonly libvirtNetwork?: string | undefined }
    | undefined;
}

/** Every bridge or libvirt network a port names that the policy does not allow. */
export function portSourceProblems(
  policy: DomainPolicy,
  ports: readonly PortSources[],
  allowed: TenantPortSources,
): Problem[] {
  if (policy === 'trusted') return [];
  const out: Problem[] = [];
  const check = (field: string, kind: 'bridge' | 'libvirtNetwork', name: string | undefined) => {
    if (name === undefined) return;
    const list = kind === 'bridge' ? allowed.bridges : allowed.libvirtNetworks;
    if (list.includes(name)) return;
    const what = kind === 'bridge' ? 'host bridge' : 'libvirt network';
    const flag = kind === 'bridge' ? '--tenant-bridge' : '--tenant-libvirt-network';
    const offered = list.length === 0 ? 'none' : list.join(', ');
    out.push({
      field,
      reason: `${what} ${name} is not offered to tenants (offered: ${offered}; the operator adds one with ${flag}, or a token with the trusted domain policy may use any)`,
    });
  };
  ports.forEach((p, i) => {
    check(`ports[${i}].bridge`, 'bridge', p.bridge);
    check(`ports[${i}].libvirtNetwork`, 'libvirtNetwork', p.libvirtNetwork);
    check(`ports[${i}].standby.bridge`, 'bridge', p.standby?.bridge);
    check(`ports[${i}].standby.libvirtNetwork`, 'libvirtNetwork', p.standby?.libvirtNetwork);
  });
  return out;
}
