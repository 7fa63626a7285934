import { VfleetError } from '../errors.js';
import type { VfKind } from './owned-devices.js';

/**
 * Names as each consumer accepts them. vfleet names allow upper case, `_`
 * and `.`; Kubernetes object names are DNS-1123 (lower case, `-`, `.` only
 * in subdomains) and device plugin resource names allow neither `-` nor `.`.
 */

/** The namespace the SR-IOV network operator watches for its own resources. */
export const OPERATOR_NAMESPACE = 'sriov-network-operator';
/** Where a standalone device plugin DaemonSet reads its ConfigMap. */
export const DEVICE_PLUGIN_NAMESPACE = 'kube-system';
export const DEVICE_PLUGIN_CONFIGMAP = 'sriovdp-config';
/** The operator's own prefix (the device plugin's CLI default is intel.com). */
export const DEFAULT_RESOURCE_PREFIX = 'openshift.io';

/**
 * `vfleet_<physnet>[_trusted][_switchdev|_vdpa]`: one resource per physnet,
 * trust and kind. A pod asking for a resource gets any of its VFs, on any
 * node, so VFs used differently (a vDPA device to open, a representor to
 * plug) never share one with plain VFs.
 */
export function resourceName(physnet: string, trusted: boolean, kind: VfKind = 'legacy'): string {
  const suffix = kind === 'legacy' ? '' : `_${kind}`;
  return `vfleet_${physnet.replace(/[^A-Za-z0-9]/g, '_')}${trusted ? '_trusted' : ''}${suffix}`;
}

/** A DNS-1123 subdomain (object names): at most 253 of a-z 0-9 `-` `.`, alphanumeric at both ends. */
export function dnsSubdomain(raw: string): string {
  return trimEnds(raw.toLowerCase().replace(/[^a-z0-9.-]/g, '-'), 253);
}

/** A DNS-1123 label (namespaces): at most 63 of a-z 0-9 `-`, alphanumeric at both ends. */
export function dnsLabel(raw: string): string {
  return trimEnds(raw.toLowerCase().replace(/[^a-z0-9-]/g, '-'), 63);
}

function trimEnds(s: string, max: number): string {
  const cut = s
    .slice(0, max)
    .replace(/^[^a-z0-9]+/, '')
    .replace(/[^a-z0-9]+$/, '');
  return cut === '' ? 'x' : cut;
}

/**
 * Records which vfleet name each generated name came from, so that two
 * names folding to one (`Net_A` and `net-a`) are refused rather than one
 * silently replacing the other in the cluster.
 */
export class NameRegistry {
  private readonly from = new Map<string, string>();
  constructor(private readonly what: string) {}

  claim(generated: string, source: string): string {
    const before = this.from.get(generated);
    if (before !== undefined && before !== source) {
      throw new VfleetError(
        'CONFLICT',
        `${this.what} ${before} and ${source} both become the Kubernetes name ${generated}; rename one`,
        { field: this.what, name: generated },
      );
    }
    this.from.set(generated, source);
    return generated;
  }
}
