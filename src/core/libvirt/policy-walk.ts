import type { ElementRule, ValueRule } from './allowlist-rules.js';
import { REFUSAL_REASONS } from './domain-allowlist.js';
import type { Problem } from './problems.js';
import { childElements, type XmlElement } from './xml-tree.js';

/*
 * The walk of a domain document against the allowlist (domain-policy.ts
 * says what the policy is): each element, attribute and text checked against
 * its rule, with "special" handlers for the elements whose rule depends on
 * the stage (who wrote them).
 */

/** `base`: the tenant's own XML; `rendered`: the document an agent is about to define. */
export type PolicyStage = 'base' | 'rendered';

export interface PolicyOptions {
  readonly stage: PolicyStage;
  /** The host's image directory; disk sources must be images in it (rendered stage). */
  readonly imageDir: string | null;
  /**
   * The folder where the host's agent writes seed ISOs (seed-disk.ts); the
   * one CD-ROM medium allowed is this domain's seed in it (rendered stage).
   */
  readonly seedDir: string | null;
}

/** One walk: its options, the problems found so far, and the field they are reported under. */
export interface Ctx extends PolicyOptions {
  readonly out: Problem[];
  readonly field: string;
  /** The document's `<name>`: vfleet's seed CD-ROM is named after it. */
  readonly domain: string | null;
}

/** A problem at `path` (`/domain/devices/disk[2]`). */
export const add = (c: Ctx, path: string, reason: string) =>
  c.out.push({ field: c.field, reason: `${path}: ${reason}` });

const isForeign = (name: string) => name.includes(':') || name === 'xmlns';

function valueOk(rule: ValueRule, v: string): boolean {
  if (rule === 'any') return !v.trimStart().startsWith('/');
  if (rule instanceof RegExp) return rule.test(v);
  return rule.includes(v);
}

function ownText(e: XmlElement): string {
  return e.children
    .map((c) => (c.kind === 'text' ? c.text : ''))
    .join('')
    .trim();
}

function checkAttrs(e: XmlElement, rule: ElementRule, path: string, c: Ctx): void {
  for (const [k, v] of e.attrs) {
    if (isForeign(k)) {
      add(c, path, `attribute ${k} is refused: only libvirt's own XML, no other namespace`);
      continue;
    }
    const r = rule.free === true ? 'any' : rule.attrs?.[k];
    if (r === undefined) add(c, path, `attribute ${k} is not allowed`);
    else if (!valueOk(r, v)) {
      add(
        c,
        path,
        v.trimStart().startsWith('/') && r === 'any'
          ? `${k}="${v}": host paths are not accepted`
          : `${k}="${v}" is not allowed`,
      );
    }
  }
  const text = ownText(e);
  if (text === '') return;
  const t = rule.free === true ? 'any' : rule.text;
  if (t === undefined) add(c, path, 'text content is not allowed here');
  else if (!valueOk(t, text)) add(c, path, `"${text.slice(0, 80)}" is not allowed here`);
}

/** `/domain/devices/disk[2]`: an index only where a name repeats. */
function childPaths(e: XmlElement, path: string): [XmlElement, string][] {
  const kids = childElements(e);
  const seen = new Map<string, number>();
  return kids.map((k) => {
    const n = (seen.get(k.name) ?? 0) + 1;
    seen.set(k.name, n);
    const many = kids.filter((x) => x.name === k.name).length > 1;
    return [k, `${path}/${k.name}${many ? `[${n}]` : ''}`];
  });
}

export function refuse(c: Ctx, e: XmlElement, path: string): void {
  if (isForeign(e.name)) {
    add(c, path, `<${e.name}> is refused: only libvirt's own XML, no other namespace`);
    return;
  }
  const why = REFUSAL_REASONS[e.name];
  add(c, path, `<${e.name}> is not allowed${why === undefined ? '' : `: ${why}`}`);
}

export type Special = (e: XmlElement, path: string, c: Ctx) => void;

export function walk(
  e: XmlElement,
  rule: ElementRule,
  path: string,
  c: Ctx,
  special: Readonly<Record<string, Special>> = {},
): void {
  checkAttrs(e, rule, path, c);
  for (const [k, kp] of childPaths(e, path)) {
    const s = special[k.name];
    if (isForeign(k.name)) refuse(c, k, kp);
    else if (s !== undefined) s(k, kp, c);
    else if (rule.free === true) walk(k, { free: true }, kp, c);
    else {
      const r = rule.children?.[k.name];
      if (r === undefined) refuse(c, k, kp);
      else walk(k, r, kp, c);
    }
  }
}
