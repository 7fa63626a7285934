import type { z } from '@hono/zod-openapi';
import { isVfleetError, VfleetError } from '../core/errors.js';
import type { Token } from '../core/fleet/model.js';
import type { InstanceView } from '../core/fleet/store.js';
import { pinBootImage } from '../core/fleet/vm-images.js';
import { isImageName } from '../core/libvirt/image-names.js';
import type { VmBoot, VmPortOptions } from '../core/fleet/vm-wiring.js';
import type { DomainPolicy } from '../core/libvirt/wiring.js';
import type { ControllerDeps } from './controller-deps.js';
import type { TenantPortSources } from '../core/libvirt/port-sources.js';
import type { instanceCreateSchema } from './schemas/instances.js';
import { checkBootPolicy } from './vm-boot-policy.js';
import { instanceEvent, recordEvent } from './events.js';
import { hostFacts, renderVm } from './vm-render.js';

type CreateInstance = z.infer<typeof instanceCreateSchema>;

/** How often a boot looks again at its host's images while it waits (pinWhenReported). */
const MAX_IMAGE_LOOKS = 20;

/** The request's `boot` and per-port libvirt options, keyed by the claimed ports' ids. */
export function vmBootOf(
  inst: InstanceView,
  req: CreateInstance,
  policy: DomainPolicy,
): VmBoot | null {
  const b = req.boot;
  if (b === undefined) return null;
  const ports: Record<string, VmPortOptions> = {};
  req.ports.forEach((p, i) => {
    const id = inst.ports[i]?.id;
    if (id === undefined) return;
    const source = (x: { bridge?: string | undefined; libvirtNetwork?: string | undefined }) => ({
      ...(x.bridge === undefined ? {} : { bridge: x.bridge }),
      ...(x.libvirtNetwork === undefined ? {} : { libvirtNetwork: x.libvirtNetwork }),
    });
    ports[id] = {
      ...source(p),
      ...(p.standby === undefined ? {} : { standby: source(p.standby) }),
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
  return { base, ports, ...image, policy };
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

/**
 * Boots a freshly claimed instance: the domain is rendered once here, so a
 * request that cannot be wired (macvtap on a vfio VF, a bad base XML, an
 * image the host does not have) is refused with the renderer's reason and
 * its claim given back, before any agent sees it. Then the host's agent
 * defines and starts it.
 */
export async function bootClaimed(
  deps: ControllerDeps,
  inst: InstanceView,
  req: CreateInstance,
  policy: DomainPolicy,
): Promise<InstanceView> {
  const asked = vmBootOf(inst, req, policy);
  if (asked === null) return inst;
  const now = new Date(deps.now()).toISOString();
  try {
    if (inst.hostId === null)
      throw new VfleetError('CONFLICT', `instance ${inst.name} has no host`, { instance: inst.id });
    const boot = await pinWhenReported(deps, inst.hostId, asked);
    await renderVm(deps, inst, {
      instanceId: inst.id,
      boot,
      desired: 'running',
      state: null,
      message: null,
      hypervisor: null,
      updatedAt: now,
    });
    await deps.store.vms.create(inst.id, boot, now);
  } catch (e) {
    await deps.store.claims.release(inst.id);
    const why = e instanceof Error ? e.message : String(e);
    await recordEvent(
      deps,
      instanceEvent(
        'instance-deleted',
        inst,
        `instance ${inst.name} (tenant ${inst.tenant}) deleted: its boot was refused (${why}); its VFs are released for reset`,
      ),
    );
    if (isVfleetError(e) && e.code === 'INVALID_INPUT') {
      const field = typeof e.details.field === 'string' ? e.details.field : undefined;
      throw new VfleetError('INVALID_INPUT', `boot: ${e.message}`, {
        ...e.details,
        ...(field === undefined ? {} : { field: requestField(field) }),
      });
    }
    throw e;
  }
  await recordEvent(
    deps,
    instanceEvent(
      'instance-booted',
      inst,
      `instance ${inst.name}: domain rendered and handed to host ${inst.hostId}'s agent to define and start`,
    ),
  );
  return inst;
}

/**
 * The boot with its image pinned from the host's reported store. An image
 * the host has not reported (and the agent does report a store) may have been
 * copied there a moment ago: the host's next reports are awaited, up to
 * config.imageReportWaitMs, before the boot is refused with what the store has.
 */
async function pinWhenReported(
  deps: ControllerDeps,
  hostId: string,
  asked: VmBoot,
): Promise<VmBoot> {
  const deadline = deps.now() + deps.config.imageReportWaitMs;
  // Claims and releases notify the feed too; a bounded number of looks keeps a busy host finite.
  for (let look = 0; ; look++) {
    const images = (await hostFacts(deps, hostId)).images;
    try {
      return pinBootImage(asked, hostId, images);
    } catch (e) {
      const left = deadline - deps.now();
      const mayArrive = images !== null && isImageName(asked.image?.ref ?? '');
      if (!mayArrive || left <= 0 || look >= MAX_IMAGE_LOOKS) throw e;
      // A report's facts wake the host's feed (the store's notice); none before the time is up is the answer.
      if (!(await deps.feed.wait(hostId, left, deps.stopping))) {
        return pinBootImage(asked, hostId, (await hostFacts(deps, hostId)).images);
      }
    }
  }
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
