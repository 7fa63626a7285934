import type { Clock, CommandRunner, HostFs } from '../core/ports.js';

/** What the host layer needs from the outside: files under the host root, programs on PATH. */
export interface HostIo {
  readonly fs: HostFs;
  readonly runner: CommandRunner;
}

/**
 * Applying a host state also waits (for VFs to appear, drivers to bind, PF
 * carrier), so it takes time from its caller: the composition root's clock,
 * or a test's.
 */
export interface ApplyIo extends HostIo {
  readonly clock: Clock;
}
