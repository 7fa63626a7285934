import type { FleetApi } from '../testing/fleet-sim.js';
import type { Violation } from './chaos-invariants.js';

/** What the soak's clients saw: every answer counted by what it meant. */
export interface RequestCounts {
  ok: number;
  /** 4xx: refused for a reason (no capacity, a migration already running, a rollout in the way). */
  refused: number;
  /** No answer (a controller killed mid-request) or 503: the client tries elsewhere later. */
  unavailable: number;
  /** Any other 5xx: each is also a violation. */
  serverErrors: number;
}

export interface OperationCounts {
  creates: number;
  deletes: number;
  migrations: number;
  specChanges: number;
  rolloutResumes: number;
}

export interface Answer {
  /** 0: no answer at all. */
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * The soak's client: each call goes to one of the two controllers, the one
 * a round robin gives among those up, and its answer is counted. A 5xx
 * other than 503 is a violation: faults may make the fleet refuse or wait,
 * never answer "internal error".
 */
export function chaosClient(
  apis: readonly FleetApi[],
  up: (i: number) => boolean,
  violations: (v: Violation) => void,
  log: (line: string) => void,
) {
  const counts: RequestCounts = { ok: 0, refused: 0, unavailable: 0, serverErrors: 0 };
  let next = 0;
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const live = apis.map((_, i) => i).filter(up);
    const i = live.length === 0 ? 0 : (live[next++ % live.length] ?? 0);
    const api = apis[i];
    if (api === undefined) throw new Error(`no controller ${String(i)}`);
    const r = await api.call(method, path, api.admin, body).catch(() => null);
    if (r === null || r.status >= 400)
      log(
        `${method} ${path} via ${String(i)}: ${r === null ? 'no answer' : `${String(r.status)} ${String(r.body.code)} ${String(r.body.message).slice(0, 200)}`}`,
      );
    if (r === null || r.status === 503) {
      counts.unavailable++;
      return { status: 0, body: r?.body ?? {} };
    }
    if (r.status < 400) counts.ok++;
    else if (r.status < 500) counts.refused++;
    else {
      counts.serverErrors++;
      violations({
        invariant: 'no request is answered with a server error',
        detail: `${method} ${path}: ${String(r.status)} ${JSON.stringify(r.body)}`,
      });
    }
    return r;
  };
  return { call, counts };
}

export type ChaosCall = ReturnType<typeof chaosClient>['call'];

/** What the churn knows of the instances it made. */
export interface ChurnBook {
  /** Created (201) and not deleted (204): each must exist and run at the end. */
  readonly live: Map<string, string>;
  /** Deleted with 204: each must be gone at the end, and its domain with it. */
  readonly deleted: Set<string>;
  /** A create with no answer: it may or may not exist; the end accepts either. */
  readonly unknown: Set<string>;
}

export interface ChurnOptions {
  readonly call: ChaosCall;
  readonly random: () => number;
  /** At most this many instances at once (creates are skipped above it). */
  readonly maxLive: number;
  /** The VF counts a spec change moves between. */
  readonly vfCounts: readonly [number, number];
  /** A spec change at most this often. */
  readonly specEveryMs: number;
  readonly now: () => number;
}

/**
 * One churn step: create, delete, migrate or (now and then) change the
 * spec, as a busy fleet's users and operator would, all at once with other
 * workers. Refusals are normal (the fleet full, an instance mid-migration,
 * a rollout running); the churn only remembers what it was told for sure.
 */
export function churn(o: ChurnOptions) {
  const book: ChurnBook = { live: new Map(), deleted: new Set(), unknown: new Set() };
  const ops: OperationCounts = {
    creates: 0,
    deletes: 0,
    migrations: 0,
    specChanges: 0,
    rolloutResumes: 0,
  };
  let n = 0;
  let lastSpec = o.now();
  let vfIndex = 0;
  let specId: string | null = null;
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(o.random() * xs.length)];

  const create = async () => {
    const name = `soak-${String(++n)}`;
    const r = await o.call('POST', '/v1/instances', {
      name,
      vcpus: 1,
      memoryMb: 256,
      tenant: 'acme',
      hostLabels: {},
      ports: [{ network: 'blue' }],
      boot: { image: pick(['web.qcow2', 'db.qcow2']) },
    });
    if (r.status === 201) {
      book.live.set(String(r.body.id), name);
      ops.creates++;
    } else if (r.status === 0) book.unknown.add(name);
  };
  const remove = async () => {
    const id = pick([...book.live.keys()]);
    if (id === undefined) return;
    const r = await o.call('DELETE', `/v1/instances/${id}`);
    // 202: its domain goes first, then the row (the soak's end waits for that).
    if (r.status === 204 || r.status === 202) {
      book.live.delete(id);
      book.deleted.add(id);
      ops.deletes++;
    }
  };
  const migrate = async () => {
    const id = pick([...book.live.keys()]);
    if (id === undefined) return;
    const r = await o.call('POST', `/v1/instances/${id}/migrate`, {});
    if (r.status === 202) ops.migrations++;
  };
  const changeSpec = async () => {
    lastSpec = o.now();
    if (specId === null) {
      const specs = await o.call('GET', '/v1/specs');
      specId = (specs.body.items as { id: string }[] | undefined)?.[0]?.id ?? null;
      if (specId === null) return;
    }
    const numVfs = o.vfCounts[(vfIndex + 1) % 2];
    const r = await o.call('PATCH', `/v1/specs/${specId}`, {
      numVfs,
      rollout: { maxUnavailable: 1, canary: 1, evacuate: true },
    });
    if (r.status === 200) {
      vfIndex = (vfIndex + 1) % 2;
      ops.specChanges++;
    }
  };
  /** The operator's part: a rollout paused by a failure is resumed (its failed hosts apply again). */
  const tendRollouts = async () => {
    const r = await o.call('GET', '/v1/rollouts');
    const items = (r.body.items ?? []) as { id: string; state: string }[];
    for (const x of items.filter((i) => i.state === 'paused')) {
      const res = await o.call('POST', `/v1/rollouts/${x.id}/resume`, {});
      if (res.status === 200) ops.rolloutResumes++;
    }
  };

  const step = async () => {
    if (o.now() - lastSpec >= o.specEveryMs) return changeSpec();
    const x = o.random();
    if (x < 0.4) return book.live.size < o.maxLive ? create() : remove();
    if (x < 0.65) return remove();
    return migrate();
  };
  return { step, tendRollouts, create, book, ops };
}
