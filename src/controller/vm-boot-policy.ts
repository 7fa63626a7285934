import { VfleetError } from '../core/errors.js';
import { domainXmlPolicyProblems } from '../core/libvirt/domain-policy.js';
import { portSourceProblems, type TenantPortSources } from '../core/libvirt/port-sources.js';
import type { Problem } from '../core/libvirt/problems.js';
import type { DomainPolicy } from '../core/libvirt/domain-request.js';

/**
 * What a token's domain policy allows in `boot` (docs/security.md, "Domains
 * and images"): under `tenant`, an image by name only, a domain XML within
 * the allowlist (every problem listed, each with its element path), and
 * ports only on the bridges and libvirt networks offered to tenants.
 * `trusted` tokens skip all three; the renderer's own checks still apply.
 */
export function checkBootPolicy(
  policy: DomainPolicy,
  boot: { readonly image?: string | undefined; readonly domainXml?: string | undefined },
  ports: Parameters<typeof portSourceProblems>[1],
  offered: TenantPortSources,
): void {
  if (policy === 'trusted') return;
  const problems: Problem[] = [];
  if (boot.image?.startsWith('/') === true) {
    problems.push({
      field: 'boot.image',
      reason:
        "must be an image name of the host's image store; a host path needs a token with the trusted domain policy",
    });
  }
  if (boot.domainXml !== undefined) {
    problems.push(
      ...domainXmlPolicyProblems(
        boot.domainXml,
        { stage: 'base', imageDir: null, seedDir: null },
        'boot.domainXml',
      ),
    );
  }
  problems.push(...portSourceProblems(policy, ports, offered));
  const first = problems[0];
  if (first === undefined) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
  throw new VfleetError(
    'INVALID_INPUT',
    `boot: refused by the tenant domain policy: ${first.field}: ${first.reason}${more}`,
    { field: first.field, problems },
  );
}
