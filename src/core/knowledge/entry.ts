import type { DoctorCheckId, FindingSeverity } from '../vocabulary.js';

/** Where an error message comes from. */
export const KNOWLEDGE_SOURCES = ['kernel', 'libvirt', 'openstack', 'iproute2', 'vfleet'] as const;
export type KnowledgeSource = (typeof KNOWLEDGE_SOURCES)[number];

/**
 * One known error: the strings it shows up as, why it happens and what to do.
 * Patterns are case-insensitive regexes without the `g` flag (test() must not
 * keep state between calls).
 */
export interface KnowledgeEntry {
  readonly id: string;
  readonly source: KnowledgeSource;
  readonly title: string;
  /** Match pasted text and, for entries with kernelLogSeverity, single kernel log lines. */
  readonly patterns: readonly RegExp[];
  /**
   * Loose forms (a bare `Device or resource busy`) that make sense when a
   * person pastes the error they got, but would be noise over a whole kernel log.
   */
  readonly textOnlyPatterns?: readonly RegExp[];
  readonly cause: string;
  readonly fix: readonly string[];
  /** Doctor checks that look at the same problem on this host. */
  readonly doctorChecks?: readonly DoctorCheckId[];
  /** Present when doctor should report the message when it is in the kernel log. */
  readonly kernelLogSeverity?: FindingSeverity;
}

export interface KnowledgeMatch {
  readonly entry: KnowledgeEntry;
  /** The text each matching pattern matched, longest first. */
  readonly matched: readonly string[];
}
