import type { z } from '@hono/zod-openapi';
import { isVfleetError, VfleetError } from '../../core/errors.js';
import type { Token } from '../../core/fleet/model.js';
import type { InstanceView } from '../../core/fleet/claim-store.js';
import { pinBootImage } from '../../core/fleet/vm-images.js';
import { domainRequestOf, type VmBoot, type VmPortOptions } from '../../core/fleet/vm-domain.js';
import type { HostRenderFacts } from '../../core/fleet/host-render-facts.js';
import { isImageName } from '../../core/libvirt/image-names.js';
import type { TenantPortSources } from '../../core/libvirt/port-sources.js';
import { renderDomainXml } from '../../core/libvirt/render-domain.js';
import type { DomainPolicy } from '../../core/libvirt/domain-request.js';
import type { instanceCreateSchema } from '../../api/schemas/instances.js';
import { checkBootPolicy } from '../vm-boot-policy.js';

type CreateInstance = z.infer<typeof instanceCreateSchema>;

/**
 * The request's `boot` and per-port libvirt options, keyed by the ports'
 * ids (`portIds` in request order: chosen before the claim).
 */
export function vmBootOf(
  portIds: readonly string[],
  req: CreateInstance,
  policy: DomainPolicy,
): VmBoot | null {
  const b = req.boot;
  if (b === undefined) return null;
  const ports: Record<string, VmPortOptions> = {};
  req.ports.forEach((p, i) => {
    const id = portIds[i];
    if (id === undefined) return;
    const source = (x: { bridge?: string | undefined; libvirtNetwork?: string | undefined }) => ({
      ...(x.bridge === undefined ? {} : { bridge: x.bridge }),
      ...(x.libvirtNetwork === undefined ? {} : { libvirtNetwork: x.libvirtNetwork }),
    });
    ports[id] = {
      ...source(p),
      ...(p.nicModel === undefined ? {} : { nicModel: p.nicModel }),
      ...(p.standby === undefined ? {} : { standby: source(p.standby) }),
      ...(p.addresses === undefined ? {} : { addresses: p.addresses }),
    };
  });
  // The template's disk is filled in from `image` when rendering (vm-images.ts).
  const base: VmBoot['base'] =
    b.domainXml !== undefined
      ? { kind: 'xml', xml: b.domainXml }
      : { kind: 'template', diskImage: '' };
  const image =
    b.image === undefined
      ? {}
      : {
          image: {
            ref: b.image,
            ...(b.imageFormat === undefined ? {} : { format: b.imageFormat }),
          },
        };
  const guest = b.guestConfig === undefined ? {} : { guestConfig: b.guestConfig };
  // Absent means off: records from before the field read the same.
  const hugepages = b.hugepages === 'off' ? {} : { hugepages: b.hugepages };
  return { base, ports, ...image, policy, ...hugepages, ...guest };
}

/**
 * Before anything is claimed: what the token's domain policy refuses
 * (docs/security.md), so a hostile request leaves nothing behind.
 */
export function checkBootRequest(
  who: Token,
  req: CreateInstance,
  offered: TenantPortSources,
): void {
  if (req.boot !== undefined) checkBootPolicy(who.domainPolicy, req.boot, req.ports, offered);
}

/** A boot ready for a host: its image pinned from what the host reported. */
export type BootOnHost =
  | { readonly ok: true; readonly boot: VmBoot; readonly facts: HostRenderFacts }
  /** The image may have been copied there a moment ago: wait for the host's next report. */
  | { readonly ok: false; readonly awaitReport: string };

/**
 * The boot pinned to the host's reported image store, before the claim. An
 * image the host has not reported (where the agent does report a store)
 * asks to wait for the host's next report while `mayWait`; after that the
 * boot is refused with what the store has.
 */
export function bootOnHost(
  asked: VmBoot,
  hostId: string,
  facts: HostRenderFacts | null,
  mayWait: boolean,
): BootOnHost {
  if (facts === null)
    throw new VfleetError('CONFLICT', `host ${hostId} has not reported its devices yet`, {
      host: hostId,
    });
  try {
    return { ok: true, boot: pinBootImage(asked, hostId, facts.images), facts };
  } catch (e) {
    const mayArrive = facts.images !== null && isImageName(asked.image?.ref ?? '');
    if (mayArrive && mayWait) return { ok: false, awaitReport: hostId };
    throw e;
  }
}

/**
 * Renders the domain on the claimed VFs (pure; in the claim's transaction),
 * so a request that cannot be wired (macvtap on a vfio VF, a bad base XML)
 * is refused with the renderer's reason and its claim never commits.
 */
export function checkRenders(inst: InstanceView, boot: VmBoot, facts: HostRenderFacts): void {
  renderDomainXml(domainRequestOf(inst, boot, facts));
}

/** A refused boot as the request names it: `boot: ...`, the field as the request spells it. */
export function bootRefusal(e: unknown): unknown {
  if (!isVfleetError(e) || e.code !== 'INVALID_INPUT') return e;
  const field = typeof e.details.field === 'string' ? e.details.field : undefined;
  return new VfleetError('INVALID_INPUT', `boot: ${e.message}`, {
    ...e.details,
    ...(field === undefined ? {} : { field: requestField(field) }),
  });
}

/** The renderer's field (`ports[1].vf.driverKind`, `base.xml`) as the request names it. */
function requestField(field: string): string {
  if (field.startsWith('ports') || field.startsWith('boot.')) return field;
  if (field.startsWith('base.xml')) return 'boot.domainXml';
  if (field.startsWith('base.diskImage') || field.startsWith('base.disk.path')) return 'boot.image';
  if (field.startsWith('base.diskFormat') || field.startsWith('base.disk.format'))
    return 'boot.imageFormat';
  return `boot.${field}`;
}
