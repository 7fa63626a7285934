import { VfleetError } from '../errors.js';
import { imageDiskElement } from './base-domain.js';
import { formatCpuList } from './cpu-list.js';
import { forcedSeclabel } from './domain-policy.js';
import type { NumaPlacement } from './numa-placement.js';
import { renderPortElement, standbyIndex } from './render-ports.js';
import { freeSataTarget, seedCdromElement } from './seed-disk.js';
import { prepareInstance, type PreparedInstance } from './validate-domain-request.js';
import type { DomainRequest } from './domain-request.js';
import { childElements, el, serializeXml, type XmlElement, type XmlNode } from './xml-tree.js';

export interface RenderedDomain {
  /** The domain definition for `virsh define`. */
  readonly xml: string;
  /** Where vCPUs and memory were placed; null when nothing was pinned by NUMA. */
  readonly placement: NumaPlacement | null;
}

/** Elements vfleet owns outright: the base's versions are replaced. */
const OWNED = new Set(['name', 'memory', 'currentMemory', 'vcpu']);

function cputune(w: DomainRequest, placement: NumaPlacement | null): XmlElement[] {
  const pinned = w.pinnedCpus;
  if (pinned !== undefined) {
    const vcpupins = pinned.map((cpu, i) => el('vcpupin', { vcpu: i, cpuset: cpu }));
    if (placement === null) return vcpupins;
    // Emulator threads go to the local CPUs no vCPU owns, so they do not steal from vCPUs.
    const spare = placement.cpus.filter((c) => !pinned.includes(c));
    const emulator = spare.length > 0 ? spare : placement.cpus;
    return [...vcpupins, el('emulatorpin', { cpuset: formatCpuList(emulator) })];
  }
  if (placement === null) return [];
  const local = formatCpuList(placement.cpus);
  const vcpupins = Array.from({ length: w.vcpus }, (_, i) =>
    el('vcpupin', { vcpu: i, cpuset: local }),
  );
  return [...vcpupins, el('emulatorpin', { cpuset: local })];
}

const hasChild = (e: XmlElement, name: string) => childElements(e, name).length > 0;

/** Replaces the named children of `existing` (or a new element) and adds `ours`. */
function mergeInto(
  name: string,
  existing: XmlElement | undefined,
  replaced: readonly string[],
  ours: readonly XmlElement[],
): XmlElement {
  const kept = (existing?.children ?? []).filter(
    (c) => c.kind !== 'element' || !replaced.includes(c.name),
  );
  return { kind: 'element', name, attrs: existing?.attrs ?? [], children: [...ours, ...kept] };
}

function mergeDomain(prep: PreparedInstance): XmlElement {
  const { request: w, base, placement } = prep;
  const head: XmlNode[] = [
    el('name', {}, [w.name]),
    w.uuid === undefined ? null : el('uuid', {}, [w.uuid.toLowerCase()]),
    el('memory', { unit: 'MiB' }, [w.memoryMb]),
    el('vcpu', { placement: 'static' }, [w.vcpus]),
  ].filter((n): n is XmlElement => n !== null);
  const isOwned = (c: XmlNode) =>
    c.kind === 'element' && (OWNED.has(c.name) || (c.name === 'uuid' && w.uuid !== undefined));
  let rest = base.children.filter((c) => !isOwned(c));
  const tuning: XmlElement[] = [];
  const replaceOrAdd = (name: string, merged: XmlElement) => {
    const at = rest.findIndex((c) => c.kind === 'element' && c.name === name);
    if (at >= 0) rest = rest.map((c, i) => (i === at ? merged : c));
    else tuning.push(merged);
  };
  const pins = cputune(w, placement);
  if (pins.length > 0) {
    const existing = childElements(base, 'cputune')[0];
    replaceOrAdd('cputune', mergeInto('cputune', existing, ['vcpupin', 'emulatorpin'], pins));
  }
  if (placement !== null) {
    const memory = el('memory', {
      mode: placement.memoryMode,
      nodeset: formatCpuList(placement.nodes),
    });
    replaceOrAdd(
      'numatune',
      mergeInto('numatune', childElements(base, 'numatune')[0], ['memory'], [memory]),
    );
  }
  const backing = childElements(base, 'memoryBacking')[0];
  // A base that already names its page sizes keeps them: it said more than "hugepages".
  if (w.hugepages === true && (backing === undefined || !hasChild(backing, 'hugepages')))
    replaceOrAdd('memoryBacking', mergeInto('memoryBacking', backing, [], [el('hugepages')]));
  const standbys = standbyIndex(w.ports);
  const devices = w.ports.map((p) => renderPortElement(p, standbys));
  const image = w.base.kind === 'xml' ? w.base.disk : undefined;
  const imageDisk = image === undefined ? [] : [imageDiskElement(image.path, image.format)];
  const existingDevices = childElements(base, 'devices')[0];
  const seed =
    w.seedIso === undefined ? [] : [seedCdromElement(w.seedIso, freeSataTarget(existingDevices))];
  if (existingDevices === undefined)
    rest.push(el('devices', {}, [...imageDisk, ...seed, ...devices]));
  else {
    const children = [...imageDisk, ...existingDevices.children, ...seed, ...devices];
    rest = rest.map((c) => (c === existingDevices ? { ...existingDevices, children } : c));
  }
  // A tenant's domain is confined by the host's security driver, whatever its XML said.
  const tail: XmlElement[] = [];
  if (w.policy === 'tenant') {
    rest = rest.filter((c) => c.kind !== 'element' || c.name !== 'seclabel');
    tail.push(forcedSeclabel());
  }
  return { ...base, children: [...head, ...tuning, ...rest, ...tail] };
}

/**
 * The domain XML for an instance: its base (user XML or template) with
 * vfleet's name, size, NUMA tuning and one device per port. Fails with
 * INVALID_INPUT before rendering anything when the domain request is not sound.
 */
export function renderDomainXml(w: DomainRequest): RenderedDomain {
  const prep = prepareInstance(w);
  return { xml: serializeXml(mergeDomain(prep)), placement: prep.placement };
}

/** One port's device XML, as in the domain, for `virsh attach-device` / `detach-device`. */
export function renderDeviceXml(w: DomainRequest, portId: string): string {
  const prep = prepareInstance(w);
  const port = w.ports.find((p) => p.id === portId);
  if (port === undefined) {
    throw new VfleetError('INVALID_INPUT', `instance ${w.name} has no port ${portId}`, {
      field: 'portId',
    });
  }
  return serializeXml(renderPortElement(port, standbyIndex(prep.request.ports)));
}
