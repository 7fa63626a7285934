/**
 * What the controller can ask an agent to do to a libvirt domain (a VM
 * task). Kept with the libvirt code so that the live migration effects,
 * which issue these tasks, need nothing from the fleet folder.
 * `define-domain` / `undefine-domain`: a render-only move (render-only agents only).
 */
export const DOMAIN_TASK_OPS = [
  'attach-device',
  'detach-device',
  'migrate',
  'define-domain',
  'undefine-domain',
] as const;
export type DomainTaskOp = (typeof DOMAIN_TASK_OPS)[number];
