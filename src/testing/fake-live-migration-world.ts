import { VfleetError } from '../core/errors.js';
import { pciOfAddressElement } from '../core/libvirt/base-domain.js';
import type { ClaimedVf } from '../core/libvirt/domain-request.js';
import { parseXml } from '../core/libvirt/xml-parse.js';
import { attrOf, childElements, type XmlElement } from '../core/libvirt/xml-tree.js';
import type {
  DeviceChange,
  MigrateCall,
  LiveMigrationPorts,
  VfHold,
  VfReservationRequest,
} from '../core/migration/live-migration-types.js';

/**
 * Two or more hosts for migration tests, with libvirt's and the controller's
 * rules: a VF is held by one port at a time, a device is attached once, a
 * domain with a VF attached cannot migrate (libvirt refuses hostdevs), only
 * a running domain takes live device changes. A call named in `faults`
 * (`<op>@<host>:<port>`, `migrate@<from>`) fails and changes nothing.
 */
export interface WorldDevice {
  readonly alias: string;
  /** PCI address of a VF-backed device. */
  readonly address: string | null;
  readonly mac: string | null;
  readonly vlan: number;
  /** `transient:ua-sb` / `persistent` when part of a failover pair. */
  readonly teaming: string | null;
}

interface WorldDomain {
  live: Map<string, WorldDevice>;
  config: Map<string, WorldDevice>;
}

export interface WorldVf {
  readonly host: string;
  readonly vf: ClaimedVf;
  state: 'free' | 'reserved' | 'allocated';
  portId: string | null;
}

function parseDevice(xml: string): WorldDevice {
  const e = parseXml(xml, 'deviceXml');
  const first = (parent: XmlElement, name: string) => childElements(parent, name)[0];
  const source = first(e, 'source');
  const addr = source === undefined ? undefined : first(source, 'address');
  const tag = first(first(e, 'vlan') ?? e, 'tag');
  const team = first(e, 'teaming');
  const alias = first(e, 'alias');
  const mac = first(e, 'mac');
  if (alias === undefined) throw new Error(`device without alias: ${xml}`);
  return {
    alias: attrOf(alias, 'name') ?? '',
    address: addr === undefined ? null : pciOfAddressElement(addr),
    mac: mac === undefined ? null : (attrOf(mac, 'address') ?? null),
    vlan: tag === undefined ? 0 : Number(attrOf(tag, 'id')),
    teaming:
      team === undefined
        ? null
        : [attrOf(team, 'type'), attrOf(team, 'persistent')]
            .filter((x) => x !== undefined)
            .join(':'),
  };
}

export class FakeLiveMigrationWorld implements LiveMigrationPorts {
  readonly domains = new Map<string, WorldDomain>();
  readonly vfs: WorldVf[] = [];
  readonly faults = new Set<string>();
  /** Every call, as `<op>@<host>:<port>` (`migrate@<from>`), in order. */
  readonly calls: string[] = [];
  /** Hand out this VF on the next reservation instead of a fitting one (a controller bug). */
  badReservation: ClaimedVf | null = null;

  constructor(readonly domainName: string) {}

  addVf(host: string, vf: ClaimedVf, portId: string | null = null): void {
    this.vfs.push({ host, vf, state: portId === null ? 'free' : 'allocated', portId });
  }

  /** Defines and starts the domain on `host` with these device documents. */
  boot(host: string, deviceXml: readonly string[]): void {
    const devs = deviceXml.map(parseDevice).map((d) => [d.alias, d] as const);
    this.domains.set(host, { live: new Map(devs), config: new Map(devs) });
  }

  domainHost(): string | null {
    return [...this.domains.keys()][0] ?? null;
  }

  /** Everything, in a canonical form for equality. */
  snapshot(): unknown {
    const devs = (m: Map<string, WorldDevice>) =>
      [...m.values()].sort((a, b) => a.alias.localeCompare(b.alias));
    return {
      domains: [...this.domains.entries()]
        .sort()
        .map(([h, d]) => ({ host: h, live: devs(d.live), config: devs(d.config) })),
      vfs: this.vfs.map((v) => ({ ...v })),
    };
  }

  private enter(key: string): void {
    this.calls.push(key);
    if (this.faults.has(key)) throw new VfleetError('COMMAND_FAILED', `injected failure: ${key}`);
  }

  private held(host: string, portId: string, address: string | null): WorldVf {
    const v = this.vfs.find((x) => x.host === host && x.vf.pciAddress === address);
    if (v?.portId !== portId) {
      throw new VfleetError('CONFLICT', `${address ?? '?'} on ${host} is not held by ${portId}`);
    }
    return v;
  }

  private domainOn(host: string): WorldDomain {
    const d = this.domains.get(host);
    if (d === undefined)
      throw new VfleetError('NOT_FOUND', `no domain ${this.domainName} on ${host}`);
    return d;
  }

  reserveVf(req: VfReservationRequest): Promise<ClaimedVf> {
    return this.settle(() => {
      this.enter(`reserveVf@${req.host.id}:${req.portId}`);
      const free = this.vfs.filter((v) => v.host === req.host.id && v.state === 'free');
      const bad = this.badReservation;
      const pick =
        (bad === null ? undefined : free.find((v) => v.vf.pciAddress === bad.pciAddress)) ??
        free.find((v) => v.vf.numaNode === req.numaNode) ??
        free[0];
      if (pick === undefined) throw new VfleetError('NO_CAPACITY', `no free VF on ${req.host.id}`);
      pick.state = 'reserved';
      pick.portId = req.portId;
      return pick.vf;
    });
  }

  confirmVf(h: VfHold): Promise<void> {
    return this.settle(() => {
      this.enter(`confirmVf@${h.host.id}:${h.portId}`);
      const v = this.held(h.host.id, h.portId, h.vf.pciAddress);
      if (v.state !== 'reserved') throw new VfleetError('CONFLICT', 'not reserved');
      v.state = 'allocated';
    });
  }

  releaseVf(h: VfHold): Promise<void> {
    return this.settle(() => {
      this.enter(`releaseVf@${h.host.id}:${h.portId}`);
      const v = this.held(h.host.id, h.portId, h.vf.pciAddress);
      v.state = 'free';
      v.portId = null;
    });
  }

  attachDevice(c: DeviceChange): Promise<void> {
    return this.settle(() => {
      this.enter(`attachDevice@${c.host.id}:${c.portId}`);
      const d = this.domainOn(c.host.id);
      const dev = parseDevice(c.deviceXml);
      if (dev.address !== null) this.held(c.host.id, c.portId, dev.address);
      const maps = [...(c.scope.live ? [d.live] : []), ...(c.scope.config ? [d.config] : [])];
      if (maps.some((m) => m.has(dev.alias)))
        throw new VfleetError('CONFLICT', `${dev.alias} exists`);
      for (const m of maps) m.set(dev.alias, dev);
    });
  }

  detachDevice(c: DeviceChange): Promise<void> {
    return this.settle(() => {
      this.enter(`detachDevice@${c.host.id}:${c.portId}`);
      const d = this.domainOn(c.host.id);
      const dev = parseDevice(c.deviceXml);
      const maps = [...(c.scope.live ? [d.live] : []), ...(c.scope.config ? [d.config] : [])];
      if (maps.some((m) => m.get(dev.alias)?.address !== dev.address)) {
        throw new VfleetError('NOT_FOUND', `${dev.alias} (${dev.address ?? '-'}) is not attached`);
      }
      for (const m of maps) m.delete(dev.alias);
    });
  }

  migrate(c: MigrateCall): Promise<void> {
    return this.settle(() => {
      this.enter(`migrate@${c.from.id}`);
      const d = this.domainOn(c.from.id);
      if ([...d.live.values()].some((x) => x.address !== null)) {
        throw new VfleetError('CONFLICT', 'cannot migrate a domain with <hostdev>');
      }
      if (this.domains.has(c.to.id)) throw new VfleetError('CONFLICT', 'already on the target');
      // --persistent --undefinesource: the live definition becomes the target's persistent one.
      this.domains.set(c.to.id, { live: new Map(d.live), config: new Map(d.live) });
      this.domains.delete(c.from.id);
    });
  }

  private settle<T>(f: () => T): Promise<T> {
    try {
      return Promise.resolve(f());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
