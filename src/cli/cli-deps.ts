import type { Clock, CommandRunner, HostFs } from '../core/ports.js';
import type { GuestImageWriter, RunFolders } from '../core/datapath/guest-image.js';
import type { FleetDeps } from './fleet-deps.js';

/**
 * Everything a CLI command may touch, handed in by the composition root
 * (src/bin/vfleet.ts); commands never read the environment themselves.
 */
export interface CliDeps {
  /** Host file access rooted at `--host-root` (default `/`). */
  readonly hostFs: (root: string) => HostFs;
  readonly runner: CommandRunner;
  readonly clock: Clock;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Whether stderr is a terminal (progress may redraw). */
  readonly interactive: boolean;
  /** Folder for caches (lab images); from VFLEET_CACHE_DIR or <repo>/.cache. */
  readonly cacheDir: string;
  /** Root of the vfleet installation (the repo or package folder). */
  readonly installDir: string;
  /** Absolute path of the node binary running vfleet. */
  readonly nodePath: string;
  /** Controller, agent and API access; absent where no fleet command runs (lab guests). */
  readonly fleet?: FleetDeps;
  /** The datapath bench's forwarding VM files; absent (tests): the bench measures between namespaces. */
  readonly guest?: { readonly images: GuestImageWriter; readonly folders: RunFolders };
}
