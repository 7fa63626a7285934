import type { ProgressSink } from '../core/ports.js';
import type { Lab } from '../lab/lab.js';
import type { CliDeps } from './cli-deps.js';

/**
 * The lab, loaded on use: vfleet also runs inside lab guests, where every
 * module read is slow. Its progress goes to stderr, each line after `prefix`.
 */
export async function loadLab(deps: CliDeps, prefix: string): Promise<Lab> {
  const progress: ProgressSink = (e) => {
    const detail = e.detail === undefined || e.detail === '' ? '' : `: ${e.detail}`;
    deps.err(`${prefix}${e.step}: ${e.status}${detail}\n`);
  };
  return (await import('../lab/lab.js')).createLab({
    runner: deps.runner,
    cacheDir: deps.cacheDir,
    installDir: deps.installDir,
    nodePath: deps.nodePath,
    clock: deps.clock,
    progress,
  });
}
