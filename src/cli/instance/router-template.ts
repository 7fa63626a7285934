import { VfleetError } from '../../core/errors.js';

/** `instance boot --template NAME`: presets an operator expects for a kind of VM. */
export const TEMPLATES = ['router'] as const;
export type Template = (typeof TEMPLATES)[number];

/** A software router: small, and its forwarding cores beside its NICs. */
export const ROUTER_DEFAULTS = { vcpus: 2, memoryMb: 2048 } as const;

/** VFs the guest drives itself; a bridge port or a whole PF is not what the template wires. */
const VF_VNICS = new Set(['direct', 'macvtap', 'vdpa']);

/** Policies that keep every VF of the instance on one NUMA node. */
const ONE_NODE = new Set(['required', 'legacy']);

export const TEMPLATE_HELP = [
  'a preset: router = a software router on VF ports:',
  `${ROUTER_DEFAULTS.vcpus} vCPUs and ${ROUTER_DEFAULTS.memoryMb} MiB unless given,`,
  'every VF on one NUMA node with vCPUs and memory pinned there (--numa-policy required),',
  'hugepages when the host has them free there (--hugepages auto),',
  'spoof checking on unless a port says spoofchk=off (even on a trusted port),',
  'and a cloud-init seed turning forwarding on with each port address=, which the agent attaches as a CD-ROM (vfleet instance cloud-init shows it)',
].join(' ');

const refuse = (field: string, message: string) =>
  new VfleetError('INVALID_INPUT', message, { field });

/**
 * The request body with the router's defaults filled in where the options
 * and the -f file left them out; what contradicts a router is refused,
 * naming the option.
 */
export function applyRouterTemplate(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    vcpus: ROUTER_DEFAULTS.vcpus,
    memoryMb: ROUTER_DEFAULTS.memoryMb,
    numaPolicy: 'required',
    ...body,
  };
  if (typeof out.numaPolicy === 'string' && !ONE_NODE.has(out.numaPolicy))
    throw refuse(
      'numa-policy',
      `--numa-policy ${out.numaPolicy}: the router template keeps every VF on one NUMA node with its vCPUs (required, or legacy)`,
    );
  const ports = out.ports;
  if (!Array.isArray(ports) || ports.length === 0)
    throw refuse('port', '--port: the router template routes between VF ports: give at least one');
  out.ports = ports.map((p: unknown, i) => routerPort(p, i));
  if (typeof out.boot === 'object' && out.boot !== null) {
    const boot = out.boot as Record<string, unknown>;
    out.boot = { hugepages: 'auto', guestConfig: 'router', ...boot };
  }
  return out;
}

function routerPort(p: unknown, i: number): Record<string, unknown> {
  if (typeof p !== 'object' || p === null) return { value: p };
  const port = { ...(p as Record<string, unknown>) };
  const vnic = typeof port.vnicType === 'string' ? port.vnicType : 'direct';
  if (!VF_VNICS.has(vnic))
    throw refuse(
      'port',
      `--port ${String(port.network)} (ports[${i}]): vnic ${vnic}: the router template takes VF ports only (vnic direct, macvtap or vdpa)`,
    );
  // The API turns spoof checking off on a trusted port unless told; a router keeps it unless the operator says so.
  if (port.spoofchk === undefined) port.spoofchk = true;
  return port;
}
