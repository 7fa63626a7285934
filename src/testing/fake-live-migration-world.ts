import { toVfleetError, VfleetError } from '../core/errors.js';
import { pciOfAddressElement } from '../core/libvirt/base-domain.js';
import type { ClaimedVf } from '../core/libvirt/domain-request.js';
import type { DeviceScope } from '../core/libvirt/hypervisor-driver.js';
import { parseXml } from '../core/libvirt/xml-parse.js';
import { attrOf, childElements, type XmlElement } from '../core/libvirt/xml-tree.js';
import type { LiveAnswer, LiveEffect } from '../core/migration/live-migration-effects.js';
import type { LiveMigrationState } from '../core/migration/live-migration-machine.js';

/**
 * Two or more hosts for migration tests, with libvirt's and the controller's
 * rules: a VF is held by one port at a time, a device is attached once, a
 * domain with a VF attached cannot migrate (libvirt refuses hostdevs), only
 * a running domain takes live device changes. It answers a live migration's
 * effects (`answer`) as the controller's claims and the hosts' agents do.
 * A call named in `faults` (`<op>@<host>:<port>`, `migrate@<from>`) fails
 * and changes nothing.
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

const NO_SCOPE: DeviceScope = { live: false, config: false };

interface DeviceChange {
  readonly host: string;
  readonly portId: string;
  readonly deviceXml: string;
  readonly scope: DeviceScope;
}

export class FakeLiveMigrationWorld {
  readonly domains = new Map<string, WorldDomain>();
  readonly vfs: WorldVf[] = [];
  readonly faults = new Set<string>();
  /** Every call, as `<op>@<host>:<port>` (`migrate@<from>`), in order. */
  readonly calls: string[] = [];
  /** Hand out this VF on the next reservation instead of a fitting one (a controller bug). */
  badReservation: ClaimedVf | null = null;

  /** `hostOfUri`: the host a migration's target URI names. */
  constructor(
    readonly domainName: string,
    private readonly hostOfUri: (uri: string) => string,
  ) {}

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

  /**
   * Makes the effect the migration waits on and answers it; a failure is an
   * answer (`ok: false`), as the controller reports a failed claim or task.
   * A task names no port: the step the state is at does.
   */
  answer(e: LiveEffect, state: LiveMigrationState): Promise<LiveAnswer | null> {
    const portId = state.records[state.index]?.portId ?? '';
    try {
      switch (e.kind) {
        case 'reserve-vf':
          return Promise.resolve({ ok: true, vf: this.reserveVf(e.hostId, e.portId, e.numaNode) });
        case 'confirm-vf':
          this.confirmVf(e.hostId, e.portId, e.pciAddress);
          break;
        case 'release-vf':
          this.releaseVf(e.hostId, e.portId, e.pciAddress);
          break;
        case 'task':
          this.task(e, portId);
      }
      return Promise.resolve({ ok: true });
    } catch (err) {
      if (!(err instanceof VfleetError)) throw err;
      const v = toVfleetError(err);
      return Promise.resolve({ ok: false, error: { code: v.code, message: v.message } });
    }
  }

  private task(e: Extract<LiveEffect, { kind: 'task' }>, portId: string): void {
    const a = e.args as { xml?: string; scope?: DeviceScope; targetUri?: string };
    const change = { host: e.hostId, portId, deviceXml: a.xml ?? '', scope: a.scope ?? NO_SCOPE };
    if (e.op === 'attach-device') this.attachDevice(change);
    else if (e.op === 'detach-device') this.detachDevice(change);
    else if (e.op === 'migrate') this.migrate(e.hostId, this.hostOfUri(a.targetUri ?? ''));
    // Render-only moves are driven step by step in their own tests, not in this world.
    else throw new Error(`the fake world runs no ${e.op} task`);
  }

  private reserveVf(host: string, portId: string, numaNode: number | null): ClaimedVf {
    this.enter(`reserveVf@${host}:${portId}`);
    const free = this.vfs.filter((v) => v.host === host && v.state === 'free');
    const bad = this.badReservation;
    const pick =
      (bad === null ? undefined : free.find((v) => v.vf.pciAddress === bad.pciAddress)) ??
      free.find((v) => v.vf.numaNode === numaNode) ??
      free[0];
    if (pick === undefined) throw new VfleetError('NO_CAPACITY', `no free VF on ${host}`);
    pick.state = 'reserved';
    pick.portId = portId;
    return pick.vf;
  }

  private confirmVf(host: string, portId: string, address: string): void {
    this.enter(`confirmVf@${host}:${portId}`);
    const v = this.held(host, portId, address);
    if (v.state !== 'reserved') throw new VfleetError('CONFLICT', 'not reserved');
    v.state = 'allocated';
  }

  private releaseVf(host: string, portId: string, address: string): void {
    this.enter(`releaseVf@${host}:${portId}`);
    const v = this.held(host, portId, address);
    v.state = 'free';
    v.portId = null;
  }

  private attachDevice(c: DeviceChange): void {
    this.enter(`attachDevice@${c.host}:${c.portId}`);
    const d = this.domainOn(c.host);
    const dev = parseDevice(c.deviceXml);
    if (dev.address !== null) this.held(c.host, c.portId, dev.address);
    const maps = [...(c.scope.live ? [d.live] : []), ...(c.scope.config ? [d.config] : [])];
    if (maps.some((m) => m.has(dev.alias)))
      throw new VfleetError('CONFLICT', `${dev.alias} exists`);
    for (const m of maps) m.set(dev.alias, dev);
  }

  private detachDevice(c: DeviceChange): void {
    this.enter(`detachDevice@${c.host}:${c.portId}`);
    const d = this.domainOn(c.host);
    const dev = parseDevice(c.deviceXml);
    const maps = [...(c.scope.live ? [d.live] : []), ...(c.scope.config ? [d.config] : [])];
    if (maps.some((m) => m.get(dev.alias)?.address !== dev.address)) {
      throw new VfleetError('NOT_FOUND', `${dev.alias} (${dev.address ?? '-'}) is not attached`);
    }
    for (const m of maps) m.delete(dev.alias);
  }

  private migrate(from: string, to: string): void {
    this.enter(`migrate@${from}`);
    const d = this.domainOn(from);
    if ([...d.live.values()].some((x) => x.address !== null)) {
      throw new VfleetError('CONFLICT', 'cannot migrate a domain with <hostdev>');
    }
    if (this.domains.has(to)) throw new VfleetError('CONFLICT', 'already on the target');
    // --persistent --undefinesource: the live definition becomes the target's persistent one.
    this.domains.set(to, { live: new Map(d.live), config: new Map(d.live) });
    this.domains.delete(from);
  }
}
