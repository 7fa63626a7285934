import { VfleetError } from '../errors.js';
import type { HypervisorFacts } from '../libvirt/hypervisor-facts.js';
import type { CandidateHost } from '../scheduler/types.js';

/**
 * How an instance moves: `live` (libvirt on both hosts: the guest keeps
 * running) or `render-only` (no libvirt on either host: the domain
 * definition and the VF ports move, no VM runs anywhere).
 */
export const MIGRATION_MODES = ['live', 'render-only'] as const;
export type MigrationMode = (typeof MIGRATION_MODES)[number];

/** One kind of VF the instance's ports need on the target, and how many. */
export interface VfNeed {
  readonly physnet: string;
  readonly trusted: boolean;
  readonly count: number;
}

/**
 * The fields of a fleet `Host` this check reads, spelled out here so that
 * the migration folder does not import the fleet folder (which imports it).
 */
export interface TargetHost {
  readonly id: string;
  readonly reportedHealthy: boolean | null;
  readonly lastSeen: string | null;
  readonly specGeneration: number;
  readonly appliedGeneration: number;
  readonly ready: boolean;
  readonly lastApplyMessage: string | null;
  readonly cordon: { readonly reason: string | null } | null;
}

export interface TargetCheckInput {
  readonly instance: string;
  readonly source: { readonly id: string; readonly hypervisor: HypervisorFacts };
  readonly targetId: string;
  /** null: no such host. */
  readonly target: TargetHost | null;
  /** null: the target's agent has not reported its devices (nor libvirt) yet. */
  readonly targetHypervisor: HypervisorFacts | null;
  /** The target as the scheduler sees it (free clean VFs per PF); undefined when unknown. */
  readonly targetFree: CandidateHost | undefined;
  readonly needs: readonly VfNeed[];
  readonly nowMs: number;
  readonly staleAfterMs: number;
}

const refuse = (code: 'CONFLICT' | 'UNSUPPORTED' | 'NO_CAPACITY', message: string) =>
  new VfleetError(code, message, { field: 'host' });

/**
 * Whether the instance can move to the target, and how; a refusal names the
 * one true reason (the first that holds, in the order an operator fixes
 * them: the host, its agent, its hypervisor, then its free VFs). Nothing has
 * moved when this throws.
 */
export function checkLiveMigrationTarget(c: TargetCheckInput): MigrationMode {
  const t = c.targetId;
  if (c.target === null)
    throw new VfleetError('NOT_FOUND', `no host ${t}: \`vfleet hosts\` lists the hosts`, {
      field: 'host',
    });
  if (t === c.source.id) {
    throw new VfleetError(
      'INVALID_INPUT',
      `host: instance ${c.instance} already runs on ${t}; a migration needs another host`,
      { field: 'host' },
    );
  }
  checkHostState(c.target, c.nowMs, c.staleAfterMs);
  const mode = modeOf(c);
  checkFreeVfs(c);
  return mode;
}

function checkHostState(h: TargetHost, nowMs: number, staleAfterMs: number): void {
  if (h.cordon !== null) {
    const why = h.cordon.reason === null ? '' : ` (${h.cordon.reason})`;
    throw refuse(
      'CONFLICT',
      `host ${h.id} is cordoned${why}: it takes no new instances; \`vfleet hosts uncordon ${h.id}\` first`,
    );
  }
  if (h.lastSeen === null || h.reportedHealthy === null)
    throw refuse('CONFLICT', `host ${h.id} has never reported: its agent has not joined yet`);
  const ageMs = nowMs - Date.parse(h.lastSeen);
  if (ageMs > staleAfterMs) {
    throw refuse(
      'CONFLICT',
      `host ${h.id} is stale: last seen ${String(Math.round(ageMs / 1000))} s ago (its agent stopped reporting)`,
    );
  }
  if (!h.ready) {
    const last = h.lastApplyMessage === null ? '' : `; last apply: ${h.lastApplyMessage}`;
    throw refuse(
      'CONFLICT',
      `host ${h.id} is not ready: its agent has not applied its device spec yet ` +
        `(generation ${String(h.appliedGeneration)} of ${String(h.specGeneration)})${last}`,
    );
  }
  if (!h.reportedHealthy) {
    throw refuse(
      'CONFLICT',
      `host ${h.id} is degraded: its doctor reports errors (\`vfleet hosts show ${h.id}\`)`,
    );
  }
}

const hvName = (hv: HypervisorFacts) =>
  hv.kind === 'virsh'
    ? 'libvirt'
    : hv.kind === 'render-only'
      ? `no libvirt (render-only${hv.reason === null ? '' : `: ${hv.reason}`})`
      : 'no hypervisor (its agent runs without one)';

function modeOf(c: TargetCheckInput): MigrationMode {
  const src = c.source.hypervisor;
  const dst = c.targetHypervisor;
  const t = c.targetId;
  if (dst === null)
    throw refuse('CONFLICT', `host ${t} has not reported its devices yet: wait for its agent`);
  if (src.kind === 'render-only' && dst.kind === 'render-only') return 'render-only';
  if (src.kind === 'virsh' && dst.kind === 'virsh') {
    for (const [id, hv] of [
      [c.source.id, src],
      [t, dst],
    ] as const) {
      if (hv.migrationUri === null) {
        throw refuse(
          'UNSUPPORTED',
          `host ${id} drives libvirt but reported no migration URI; live migration needs one on both hosts`,
        );
      }
    }
    return 'live';
  }
  if (src.kind === 'virsh') {
    throw refuse(
      'UNSUPPORTED',
      `host ${t} has ${hvName(dst)} while instance ${c.instance} runs under libvirt on ${c.source.id}: ` +
        'a live migration needs libvirt on both hosts',
    );
  }
  if (src.kind === 'render-only') {
    throw refuse(
      'UNSUPPORTED',
      `instance ${c.instance} is only rendered on ${c.source.id} (a render-only host, no libvirt) ` +
        `and host ${t} has ${hvName(dst)}: ` +
        'a render-only domain moves only to another render-only host; a live migration needs libvirt on both hosts',
    );
  }
  throw refuse(
    'UNSUPPORTED',
    `host ${c.source.id} has ${hvName(src)}: instance ${c.instance} has no domain vfleet can move`,
  );
}

function checkFreeVfs(c: TargetCheckInput): void {
  for (const n of c.needs) {
    const free = (c.targetFree?.pfs ?? [])
      .flatMap((pf) => pf.free)
      .filter((f) => f.physnet === n.physnet && f.trusted === n.trusted)
      .reduce((sum, f) => sum + f.count, 0);
    if (free < n.count) {
      const kind = n.trusted ? 'trusted VF' : 'VF';
      throw refuse(
        'NO_CAPACITY',
        `host ${c.targetId} has ${String(free)} free ${kind}(s) on physnet ${n.physnet}; ` +
          `instance ${c.instance} needs ${String(n.count)}`,
      );
    }
  }
}
