import type { KnowledgeEntry, KnowledgeMatch } from './entry.js';
import { IPROUTE2_ENTRIES } from './entries-iproute2.js';
import { KERNEL_IOMMU_ENTRIES } from './entries-kernel-iommu.js';
import { KERNEL_SRIOV_ENTRIES } from './entries-kernel-sriov.js';
import { KERNEL_VF_ENTRIES } from './entries-kernel-vf.js';
import { LIBVIRT_ENTRIES } from './entries-libvirt.js';
import { OPENSTACK_ENTRIES } from './entries-openstack.js';
import { SWITCHDEV_ENTRIES } from './entries-switchdev.js';

export const KNOWLEDGE_BASE: readonly KnowledgeEntry[] = [
  ...KERNEL_SRIOV_ENTRIES,
  ...KERNEL_IOMMU_ENTRIES,
  ...KERNEL_VF_ENTRIES,
  ...LIBVIRT_ENTRIES,
  ...SWITCHDEV_ENTRIES,
  ...OPENSTACK_ENTRIES,
  ...IPROUTE2_ENTRIES,
];

const matchesOf = (patterns: readonly RegExp[], text: string): string[] =>
  patterns.flatMap((p) => {
    const m = p.exec(text);
    return m ? [m[0].trim()] : [];
  });

/**
 * Known errors in a piece of text a person pasted (one message or a whole
 * log excerpt). Line breaks inside a message are tolerated; the most
 * specific match (the longest matched text) comes first.
 */
export function explainText(
  text: string,
  base: readonly KnowledgeEntry[] = KNOWLEDGE_BASE,
): KnowledgeMatch[] {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/\s+/g, ' ').trim());
  const joined = lines.filter((l) => l !== '').join(' ');
  const matches: KnowledgeMatch[] = [];
  for (const entry of base) {
    const all = [...entry.patterns, ...(entry.textOnlyPatterns ?? [])];
    // Anchored loose patterns (`^Device or resource busy$`) must see single lines.
    const found = [...matchesOf(all, joined), ...lines.flatMap((l) => matchesOf(all, l))];
    if (found.length === 0) continue;
    const matched = [...new Set(found)].sort((a, b) => b.length - a.length);
    matches.push({ entry, matched });
  }
  const longest = (m: KnowledgeMatch) => m.matched[0]?.length ?? 0;
  return matches.sort((a, b) => longest(b) - longest(a));
}

/** Kernel log lines per entry, for entries doctor reports from the log (strict patterns only). */
export function matchKernelLog(
  lines: readonly string[],
  base: readonly KnowledgeEntry[] = KNOWLEDGE_BASE,
): Map<KnowledgeEntry, string[]> {
  const out = new Map<KnowledgeEntry, string[]>();
  const watched = base.filter((e) => e.kernelLogSeverity !== undefined);
  for (const line of lines) {
    for (const entry of watched) {
      if (!entry.patterns.some((p) => p.test(line))) continue;
      const list = out.get(entry) ?? [];
      list.push(line);
      out.set(entry, list);
    }
  }
  return out;
}

export const knowledgeEntry = (id: string): KnowledgeEntry | undefined =>
  KNOWLEDGE_BASE.find((e) => e.id === id);
