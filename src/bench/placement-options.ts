import { join, resolve } from 'node:path';

/**
 * The side-by-side's settings, from the environment record the bench entry
 * point (run-benches.ts) hands over; this file reads no environment itself.
 *
 *   VFLEET_PLACEMENT_KIT        the kit's folder (default: ../shared/bench/placement from the repo)
 *   VFLEET_PLACEMENT_SIZES      fixed sizes, comma separated (default 100,1000)
 *   VFLEET_PLACEMENT_TRY        larger sizes tried in order for "the largest Placement manages
 *                               within the budget" (default 2000,5000; "none" skips the search)
 *   VFLEET_PLACEMENT_BUDGET_S   that budget: fresh database + load + measurement (default 600)
 *   VFLEET_PLACEMENT_8PF_HOSTS  hosts of the 8-PF fleet for the 8-VFs-on-8-PFs request (default 100)
 *   VFLEET_PLACEMENT_C_TIMEOUT_S  Placement's client timeout for that request (default 120)
 *   VFLEET_PLACEMENT_RAW_DIR    keep the kit's JSON files there (default: a temp folder, removed)
 *   PB_STATE, PB_PORT, PB_PG_PORT  the kit's own knobs, passed through
 */
export interface PlacementOptions {
  readonly kitDir: string;
  readonly sizes: readonly number[];
  readonly tryLarger: readonly number[];
  readonly budgetSeconds: number;
  readonly eightPfHosts: number;
  readonly cTimeoutSeconds: number;
  readonly rawDir: string | undefined;
  readonly state: string;
  readonly port: number;
  readonly pgPort: number;
  /** The kit scripts' environment: the caller's, with PB_STATE/PB_PORT/PB_PG_PORT made explicit. */
  readonly kitEnv: Readonly<Record<string, string>>;
}

const positive = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) {
    throw new Error(`${name}: "${text}" is not a positive whole number`);
  }
  return n;
};

const list = (name: string, text: string): number[] =>
  text.trim() === 'none'
    ? []
    : text
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '')
        .map((t) => positive(name, t));

export function placementOptions(
  env: Readonly<Record<string, string | undefined>>,
  repo: string,
  tmp: string,
): PlacementOptions {
  const get = (name: string, fallback: string) => {
    const v = env[name];
    return v === undefined || v === '' ? fallback : v;
  };
  const sizes = list('VFLEET_PLACEMENT_SIZES', get('VFLEET_PLACEMENT_SIZES', '100,1000'));
  if (sizes.length === 0) throw new Error('VFLEET_PLACEMENT_SIZES: give at least one size');
  const state = get('PB_STATE', join(tmp, 'vfleet-placement-bench'));
  const port = positive('PB_PORT', get('PB_PORT', '8778'));
  const pgPort = positive('PB_PG_PORT', get('PB_PG_PORT', '55432'));
  const kitEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) kitEnv[k] = v;
  Object.assign(kitEnv, { PB_STATE: state, PB_PORT: String(port), PB_PG_PORT: String(pgPort) });
  const raw = env.VFLEET_PLACEMENT_RAW_DIR;
  return {
    kitDir: resolve(repo, get('VFLEET_PLACEMENT_KIT', join('..', 'shared', 'bench', 'placement'))),
    sizes,
    tryLarger: list('VFLEET_PLACEMENT_TRY', get('VFLEET_PLACEMENT_TRY', '2000,5000')),
    budgetSeconds: positive('VFLEET_PLACEMENT_BUDGET_S', get('VFLEET_PLACEMENT_BUDGET_S', '600')),
    eightPfHosts: positive('VFLEET_PLACEMENT_8PF_HOSTS', get('VFLEET_PLACEMENT_8PF_HOSTS', '100')),
    cTimeoutSeconds: positive(
      'VFLEET_PLACEMENT_C_TIMEOUT_S',
      get('VFLEET_PLACEMENT_C_TIMEOUT_S', '120'),
    ),
    rawDir: raw === undefined || raw === '' ? undefined : resolve(raw),
    state,
    port,
    pgPort,
    kitEnv,
  };
}
