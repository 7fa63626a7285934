import { VfleetError } from '../core/errors.js';
import type { QuotaDefaults } from '../core/fleet/quota.js';

type Mutable = { -readonly [K in keyof QuotaDefaults]?: QuotaDefaults[K] };

const KEYS = {
  instances: 'instances',
  vfs: 'vfs',
  networks: 'networks',
  'vlan-share': 'vlanShare',
} as const;

/** Every key `--default-quota` takes, for its help (generated, so it cannot leave one out). */
export const QUOTA_DEFAULT_KEYS = Object.keys(KEYS);

export const quotaDefaultsHelp = (): string =>
  `a tenant's default quota, KEY=VALUE (repeatable): ${QUOTA_DEFAULT_KEYS.map((k) =>
    k === 'vlan-share' ? `${k}=F (0-1]` : `${k}=N`,
  ).join(', ')}, or KEY=unlimited`;

/**
 * `--default-quota KEY=VALUE` (repeatable) on `vfleet controller` / `vfleet up`:
 * instances, vfs, networks = a count; vlan-share = the fraction of each
 * physnet's VLANs one tenant may take (0 < share <= 1); any = unlimited.
 */
export function parseQuotaDefaults(args: readonly string[]): Partial<QuotaDefaults> {
  const out: Mutable = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    const key = a.slice(0, eq);
    const v = a.slice(eq + 1);
    const bad = (why: string) =>
      new VfleetError('INVALID_INPUT', `--default-quota: "${a}" ${why}`, {
        field: 'default-quota',
      });
    if (eq <= 0 || !(key in KEYS))
      throw bad(`is not KEY=VALUE with KEY one of ${Object.keys(KEYS).join(', ')}`);
    const field = KEYS[key as keyof typeof KEYS];
    if (v === 'unlimited') {
      out[field] = null;
    } else if (field === 'vlanShare') {
      const share = Number(v);
      if (!(share > 0 && share <= 1))
        throw bad('needs a share above 0 and at most 1, or unlimited');
      out[field] = share;
    } else {
      if (!/^\d{1,7}$/.test(v)) throw bad('needs a count or unlimited');
      out[field] = Number(v);
    }
  }
  return out;
}
