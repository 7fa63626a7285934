import { isVfleetError, VfleetError } from '../errors.js';
import { isOneOf, NUMA_POLICIES } from '../vocabulary.js';
import { checkBaseDomain, templateDomain } from './base-domain.js';
import { checkAbsPath, checkObjectName, isList, isUint } from './field-checks.js';
import { resolveNumaPlacement, type NumaPlacement } from './numa-placement.js';
import { Problems } from './problems.js';
import { checkPorts } from './validate-ports.js';
import { DISK_FORMATS, type DomainRequest } from './domain-request.js';
import { parseXml } from './xml-parse.js';
import type { XmlElement } from './xml-tree.js';

/** An instance that passed every check, with its parsed base and NUMA placement. */
export interface PreparedInstance {
  readonly request: DomainRequest;
  readonly base: XmlElement;
  readonly placement: NumaPlacement | null;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_VCPUS = 4096;
const MAX_MEMORY_MB = 64 * 1024 * 1024;
const TOKEN_RE = /^[A-Za-z0-9_.-]{1,64}$/;

function checkScalars(w: DomainRequest, p: Problems): void {
  checkObjectName(p, 'name', w.name);
  if (typeof w.name === 'string' && (/^\d+$/.test(w.name) || UUID_RE.test(w.name))) {
    // virsh looks a domain up by id, then UUID, then name: such a name would hit another domain.
    p.add('name', 'must not look like a domain id or a UUID');
  }
  if (w.uuid !== undefined && (typeof w.uuid !== 'string' || !UUID_RE.test(w.uuid))) {
    p.add('uuid', 'must be a UUID like 4dea22b3-1d52-d8f3-2516-782e98ab3fa0');
  }
  if (!isUint(w.vcpus) || w.vcpus < 1 || w.vcpus > MAX_VCPUS) {
    p.add('vcpus', `must be an integer 1-${MAX_VCPUS}`);
  }
  if (!isUint(w.memoryMb) || w.memoryMb < 1 || w.memoryMb > MAX_MEMORY_MB) {
    p.add('memoryMb', `must be an integer 1-${MAX_MEMORY_MB}`);
  }
  if (!isOneOf(NUMA_POLICIES, w.numaPolicy)) {
    p.add('numaPolicy', `must be one of ${NUMA_POLICIES.join(', ')}`);
  }
}

function checkHostNuma(w: DomainRequest, p: Problems): void {
  if (!isList(w.hostNuma)) {
    p.add('hostNuma', 'must be a list');
    return;
  }
  const seen = new Set<number>();
  w.hostNuma.forEach((h, k) => {
    const f = `hostNuma[${k}]`;
    if (!isUint(h.node)) p.add(`${f}.node`, 'must be a non-negative integer');
    else if (seen.has(h.node)) p.add(`${f}.node`, `NUMA node ${h.node} is listed twice`);
    else seen.add(h.node);
    if (!isList(h.cpus) || !h.cpus.every(isUint)) p.add(`${f}.cpus`, 'must list CPU numbers');
    if (h.socket !== null && !isUint(h.socket)) p.add(`${f}.socket`, 'must be an integer or null');
  });
}

function checkPinned(w: DomainRequest, placement: NumaPlacement | null, p: Problems): void {
  const pinned = w.pinnedCpus;
  if (pinned === undefined) return;
  if (!isList(pinned) || pinned.length !== w.vcpus) {
    p.add('pinnedCpus', `must list exactly one host CPU per vCPU (${w.vcpus})`);
    return;
  }
  const seen = new Set<number>();
  pinned.forEach((c, i) => {
    if (!isUint(c)) p.add(`pinnedCpus[${i}]`, 'must be a CPU number');
    else if (seen.has(c)) p.add(`pinnedCpus[${i}]`, `CPU ${c} is pinned twice`);
    else if (placement !== null && !placement.cpus.includes(c)) {
      p.add(
        `pinnedCpus[${i}]`,
        `CPU ${c} is not local to NUMA node(s) ${placement.nodes.join(',')}`,
      );
    }
    seen.add(c);
  });
}

function baseTree(w: DomainRequest, p: Problems, portsOk: boolean): XmlElement | null {
  const b = w.base as DomainRequest['base'] | undefined;
  if (b?.kind === 'template') {
    checkAbsPath(p, 'base.diskImage', b.diskImage);
    if (b.diskFormat !== undefined && !isOneOf(DISK_FORMATS, b.diskFormat)) {
      p.add('base.diskFormat', `must be one of ${DISK_FORMATS.join(', ')}`);
    }
    if (b.arch !== undefined && !TOKEN_RE.test(b.arch))
      p.add('base.arch', 'must be an architecture name');
    if (b.machine !== undefined && !TOKEN_RE.test(b.machine))
      p.add('base.machine', 'must be a machine type');
    return templateDomain(b);
  }
  if (b?.kind !== 'xml' || typeof b.xml !== 'string') {
    p.add('base', "must be { kind: 'template', diskImage } or { kind: 'xml', xml }");
    return null;
  }
  if (b.disk !== undefined) {
    checkAbsPath(p, 'base.disk.path', b.disk.path);
    if (!isOneOf(DISK_FORMATS, b.disk.format)) {
      p.add('base.disk.format', `must be one of ${DISK_FORMATS.join(', ')}`);
    }
  }
  try {
    const root = parseXml(b.xml, 'base.xml');
    if (portsOk) checkBaseDomain(root, w.ports, p);
    return root;
  } catch (e) {
    if (!isVfleetError(e)) throw e;
    p.add('base.xml', e.message.replace(/^base\.xml: /, ''));
    return null;
  }
}

/**
 * Every check of a domain request, collected; fails with INVALID_INPUT
 * naming the first field and listing all. Nothing is rendered before this passes.
 */
export function prepareInstance(w: DomainRequest): PreparedInstance {
  const p = new Problems();
  checkScalars(w, p);
  checkHostNuma(w, p);
  const before = p.count;
  checkPorts(w.ports, p);
  const base = baseTree(w, p, p.count === before);
  // Placement reads ports and host nodes, so only once those are sound.
  const placement = p.count === 0 ? resolveNumaPlacement(w, p) : null;
  if (p.count === 0) checkPinned(w, placement, p);
  p.throwIfAny('instance domain request');
  if (base === null) throw new VfleetError('INTERNAL', 'instance base missing after validation');
  return { request: w, base, placement };
}

export function validateDomainRequest(w: DomainRequest): void {
  prepareInstance(w);
}
