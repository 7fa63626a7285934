import { toVfleetError, VfleetError } from '../errors.js';
import type { DeviceScope, DomainState, HypervisorDriver } from './hypervisor-driver.js';
import { parseXml } from './xml-parse.js';
import { childElements, textOf } from './xml-tree.js';

interface RecordedDomain {
  xml: string;
  state: DomainState;
  /** Device XML attached to the persistent definition (scope.config). */
  readonly attached: string[];
}

export interface RenderOnlyDriver extends HypervisorDriver {
  /** What was defined, by name, for printing or writing out. */
  domains(): ReadonlyMap<
    string,
    { readonly xml: string; readonly state: DomainState; readonly attached: readonly string[] }
  >;
  networks(): ReadonlyMap<string, { readonly xml: string; readonly active: boolean }>;
}

function nameOf(xml: string, root: string, field: string): string {
  const doc = parseXml(xml, field);
  const name = childElements(doc, 'name')[0];
  if (doc.name !== root || name === undefined || textOf(name).trim() === '') {
    throw new VfleetError('INVALID_INPUT', `${field}: a <${root}> with a <name> is needed`, {
      field,
    });
  }
  return textOf(name);
}

/** Runs `f` so that what it throws becomes a rejection, as from a real driver. */
function settle(f: () => void): Promise<void> {
  try {
    f();
    return Promise.resolve();
  } catch (e) {
    return Promise.reject(toVfleetError(e));
  }
}

/**
 * For hosts without libvirt: keeps what would have been defined, with the
 * state transitions libvirt would make, and the same errors, so the agent
 * behaves alike on both. It cannot migrate: that needs a hypervisor.
 */
export function createRenderOnlyDriver(): RenderOnlyDriver {
  const doms = new Map<string, RecordedDomain>();
  const nets = new Map<string, { xml: string; active: boolean }>();
  const get = (name: string): RecordedDomain => {
    const d = doms.get(name);
    if (d === undefined)
      throw new VfleetError('NOT_FOUND', `no domain named ${name}`, { domain: name });
    return d;
  };
  const conflict = (name: string, why: string) =>
    new VfleetError('CONFLICT', `domain ${name} ${why}`, { domain: name });
  const devices = (name: string, xml: string, scope: DeviceScope, add: boolean) => {
    const d = get(name);
    parseXml(xml, 'deviceXml');
    if (scope.live && d.state !== 'running') throw conflict(name, 'is not running');
    if (!scope.config) return;
    const at = d.attached.indexOf(xml);
    if (add) d.attached.push(xml);
    else if (at >= 0) d.attached.splice(at, 1);
    else throw new VfleetError('NOT_FOUND', `domain ${name} has no such device`, { domain: name });
  };
  return {
    kind: 'render-only',
    define: (xml) =>
      settle(() => {
        const name = nameOf(xml, 'domain', 'domainXml');
        const d = doms.get(name);
        if (d === undefined) doms.set(name, { xml, state: 'shut-off', attached: [] });
        else d.xml = xml; // libvirt's define replaces the persistent definition too
      }),
    start: (name) =>
      settle(() => {
        const d = get(name);
        if (d.state === 'running') throw conflict(name, 'is already running');
        d.state = 'running';
      }),
    destroy: (name) =>
      settle(() => {
        const d = get(name);
        if (d.state === 'shut-off') throw conflict(name, 'is not running');
        d.state = 'shut-off';
      }),
    undefine: (name) =>
      settle(() => {
        get(name);
        doms.delete(name);
      }),
    attachDevice: (name, xml, scope) =>
      settle(() => {
        devices(name, xml, scope, true);
      }),
    detachDevice: (name, xml, scope) =>
      settle(() => {
        devices(name, xml, scope, false);
      }),
    migrate() {
      return Promise.reject(
        new VfleetError('UNSUPPORTED', 'live migration needs libvirt; this host renders XML only'),
      );
    },
    domainState: (name) => Promise.resolve(doms.get(name)?.state ?? null),
    pinLive: (name) =>
      settle(() => {
        if (get(name).state !== 'running') throw conflict(name, 'is not running');
      }),
    defineNetwork: (xml) =>
      settle(() => {
        const name = nameOf(xml, 'network', 'networkXml');
        nets.set(name, { xml, active: nets.get(name)?.active ?? false });
      }),
    startNetwork: (name) =>
      settle(() => {
        const n = nets.get(name);
        const details = { network: name };
        if (n === undefined)
          throw new VfleetError('NOT_FOUND', `no network named ${name}`, details);
        if (n.active)
          throw new VfleetError('CONFLICT', `network ${name} is already active`, details);
        n.active = true;
      }),
    domains: () => doms,
    networks: () => nets,
  };
}
