import type { Clock, CommandRunner, HostFs } from '../core/ports.js';

/** What the host layer needs from the outside: files under the host root, programs on PATH, time. */
export interface HostIo {
  readonly fs: HostFs;
  readonly runner: CommandRunner;
  readonly clock?: Clock;
}
