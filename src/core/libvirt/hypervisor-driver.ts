import type { LivePins } from './live-pins.js';

/**
 * What vfleet asks of a hypervisor, and no more (Kysely style). The virsh
 * adapter implements it where libvirt runs; `createRenderOnlyDriver` where it
 * does not. Every failure is a VfleetError: NOT_FOUND for an unknown domain,
 * CONFLICT for a state that forbids the operation (already running, not
 * running, already defined), COMMAND_FAILED with libvirt's message otherwise.
 */

/** Where a device change applies: the running guest, the persistent definition, or both. */
export interface DeviceScope {
  readonly live: boolean;
  readonly config: boolean;
}

export const DOMAIN_STATES = ['running', 'paused', 'shut-off', 'other'] as const;
export type DomainState = (typeof DOMAIN_STATES)[number];

export interface MigrateOptions {
  /** Default true: migrate a running guest without stopping it. */
  readonly live?: boolean;
  /** Default true: define the domain on the target too. */
  readonly persistent?: boolean;
  /** Default true: remove the definition from the source afterwards. */
  readonly undefineSource?: boolean;
  /**
   * Default true: peer to peer, the source's libvirtd talking to the
   * target's itself (as Nova migrates). It watches that connection, so a
   * target or link lost mid-copy aborts the migration within libvirt's
   * keepalive (about 30 s) and the guest runs on at the source; driven by
   * the client instead, the copy waits on a dead TCP stream for many minutes.
   */
  readonly peerToPeer?: boolean;
  readonly timeoutMs?: number;
}

export interface HypervisorDriver {
  /** `virsh` when it acts on libvirt, `render-only` when it only records what it was given. */
  readonly kind: 'virsh' | 'render-only';
  define(domainXml: string): Promise<void>;
  start(name: string): Promise<void>;
  /** Hard power-off (libvirt's destroy); the definition stays. */
  destroy(name: string): Promise<void>;
  /** Removes the definition (and its NVRAM, for UEFI guests). */
  undefine(name: string): Promise<void>;
  attachDevice(name: string, deviceXml: string, scope: DeviceScope): Promise<void>;
  detachDevice(name: string, deviceXml: string, scope: DeviceScope): Promise<void>;
  /** `targetUri` is a libvirt connection URI of the target host (`qemu+ssh://host/system`). */
  migrate(name: string, targetUri: string, options?: MigrateOptions): Promise<void>;
  /** null when no such domain is defined. */
  domainState(name: string): Promise<DomainState | null>;
  /** Re-pins a running guest's vCPUs and emulator threads (`vcpupin`/`emulatorpin --live`). */
  pinLive(name: string, pins: LivePins): Promise<void>;
  /** Defines a libvirt network (a hostdev VF pool) and starts it. */
  defineNetwork(networkXml: string): Promise<void>;
  startNetwork(name: string): Promise<void>;
}
