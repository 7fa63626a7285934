import type { Page, PageQuery } from './page.js';

/**
 * The audit log (docs/audit.md): who changed what, when, with what result.
 * Unlike events (what an operator follows), a record keeps the object before
 * and after the change, the token that asked, and every VF and MAC it
 * touched, so "who held VF X last Tuesday" has an answer.
 */
export const AUDIT_ACTIONS = [
  'spec.create',
  'spec.update',
  'spec.delete',
  'spec.apply',
  'physnet.create',
  'physnet.update',
  'physnet.delete',
  'network.create',
  'network.update',
  'network.delete',
  'instance.create',
  'instance.delete',
  'instance.migrate',
  'token.create',
  'token.revoke',
  'quota.set',
  'host.label',
  'host.cordon',
  'host.uncordon',
  'host.drain',
  'host.datapath',
  'allocation.set',
  'allocation.delete',
  'rollout.start',
  'rollout.pause',
  'rollout.resume',
  'rollout.abort',
  'rollout.step',
  'host.register',
  'host.report',
  'host.join',
  'host.applied',
  'agent.task',
  'session.create',
  'session.delete',
  'vf.create',
  'vf.configure',
  'vf.reset',
  'vf.quarantine',
  'vf.settle',
  'reservation.expire',
  'migration.step',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OBJECT_TYPES = [
  'spec',
  'physnet',
  'network',
  'instance',
  'token',
  'quota',
  'host',
  'allocation',
  'rollout',
  'session',
  'vf',
  'migration',
] as const;
export type AuditObjectType = (typeof AUDIT_OBJECT_TYPES)[number];

/** A token (name, role, tenant; never its secret), or the fleet itself. */
export type AuditActor =
  | {
      readonly kind: 'token';
      readonly name: string;
      readonly role: string;
      readonly tenant: string | null;
    }
  | { readonly kind: 'fleet' }
  /** A request without a known token (refused before or at sign-in). */
  | { readonly kind: 'anonymous' };

export const FLEET_ACTOR: AuditActor = { kind: 'fleet' };

/** The request a store write runs for; none for the fleet's own work. */
export interface AuditRequest {
  readonly actor: AuditActor;
  readonly requestId: string | null;
  readonly method: string;
  readonly path: string;
  /** When it happened (the caller's clock). */
  readonly at: string;
}

export interface AuditObject {
  readonly type: AuditObjectType;
  readonly id: string;
  readonly name: string | null;
}

/** What a record says was done: to what, where, and the object before and after. */
interface AuditChange {
  readonly action: AuditAction;
  readonly object: AuditObject | null;
  readonly host: string | null;
  /** The instance's id, when one is concerned. */
  readonly instance: string | null;
  readonly vfs: readonly string[];
  readonly macs: readonly string[];
  readonly before: unknown;
  readonly after: unknown;
}

/** What a store write records about itself, in its own transaction. */
export interface NewAudit extends AuditChange {
  /** The fleet did it on its own (an agent's apply, a sweep, the reconciler), whatever the request. */
  readonly byFleet?: boolean;
  /** Who, when the write knows better than the request (signing in: the token signed in with). */
  readonly actor?: AuditActor;
}

/** One stored record: the change, who asked, through which request, and how it ended. */
export interface AuditRecord extends AuditChange {
  readonly id: number;
  readonly at: string;
  readonly actor: AuditActor;
  readonly requestId: string | null;
  readonly method: string | null;
  readonly path: string | null;
  /** `ok`, or the error code a refused request was answered with. */
  readonly result: string;
  /** The HTTP status of a refused request; null when it went through. */
  readonly status: number | null;
}

/** A refused request: nothing changed, so no before or after. */
export interface AuditRefusal {
  readonly request: AuditRequest;
  readonly action: AuditAction;
  readonly object: AuditObject | null;
  readonly code: string;
  readonly status: number;
}

export interface AuditFilter {
  readonly object?: { readonly type: AuditObjectType; readonly id: string } | undefined;
  readonly host?: string | undefined;
  readonly instance?: string | undefined;
  readonly vf?: string | undefined;
  readonly mac?: string | undefined;
  readonly token?: string | undefined;
  readonly action?: AuditAction | undefined;
  /** At or after. */
  readonly since?: string | undefined;
  /** Before. */
  readonly until?: string | undefined;
  readonly order: 'asc' | 'desc';
}

export interface AuditStore {
  /**
   * Runs `work` on behalf of `request`: every store write inside records its
   * audit row with this actor, in the write's own transaction.
   */
  within<T>(request: AuditRequest, work: () => Promise<T>): Promise<T>;
  /** Records a refused request (it changed nothing, so it has no transaction to join). */
  refused(r: AuditRefusal): Promise<void>;
  /** Keyed by id, in `f.order`. */
  page(f: AuditFilter, q: PageQuery): Promise<Page<AuditRecord>>;
  /** Drops records older than `before`; returns how many. */
  purge(before: string): Promise<number>;
}
