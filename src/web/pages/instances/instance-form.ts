import type { ApiBody } from '../../../api/call-types.js';
import type { instanceRoutes } from '../../../api/routes/instances.js';
import { VNIC_TYPES, type VnicType } from '../../../core/vocabulary.js';

/** The create form as typed: text, checked by the API (its errors name the field). */
export interface InstanceForm {
  readonly name: string;
  readonly vcpus: string;
  readonly memoryMb: string;
  readonly tenant: string;
  readonly ports: readonly { readonly network: string; readonly vnicType: VnicType }[];
}

export const emptyForm: InstanceForm = {
  name: '',
  vcpus: '1',
  memoryMb: '1024',
  tenant: '',
  ports: [{ network: '', vnicType: 'direct' }],
};

export const VNIC_CHOICES = VNIC_TYPES;

/**
 * The POST /v1/instances body. Numbers that do not parse are sent as typed
 * so the API refuses them by name; an empty tenant is left out (a tenant
 * token creates for itself).
 */
export function instanceBody(f: InstanceForm): ApiBody<typeof instanceRoutes.create> {
  const num = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : Number.NaN);
  return {
    name: f.name.trim(),
    vcpus: num(f.vcpus),
    memoryMb: num(f.memoryMb),
    ...(f.tenant.trim() === '' ? {} : { tenant: f.tenant.trim() }),
    ports: f.ports.map((p) => ({ network: p.network.trim(), vnicType: p.vnicType })),
  };
}
