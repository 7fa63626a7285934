import type { VfCountsView } from '../../api/answers.js';

const PARTS = ['allocated', 'reserved', 'quarantined', 'free'] as const;
const WIDTH = 200;

/** Segment widths (px, out of WIDTH) for the bar of VF counts, in PARTS order. */
export function barSegments(
  c: VfCountsView,
): { part: (typeof PARTS)[number]; x: number; w: number }[] {
  const total = Math.max(c.total, 1);
  let x = 0;
  return PARTS.map((part) => {
    const w = (c[part] / total) * WIDTH;
    const seg = { part, x, w };
    x += w;
    return seg;
  });
}

/** VFs by state: the numbers in words, and a bar for the eye (the words carry the meaning). */
export function VfBar({ counts }: { counts: VfCountsView }) {
  const text = `${counts.total} VFs: ${counts.free} free, ${counts.reserved} reserved, ${counts.allocated} allocated, ${counts.quarantined} quarantined, ${counts.dirty} dirty`;
  return (
    <span className="vf-bar">
      <svg width={WIDTH} height="12" aria-hidden="true" className="bar">
        {barSegments(counts).map((s) => (
          <rect key={s.part} x={s.x} y="0" width={s.w} height="12" className={`state-${s.part}`} />
        ))}
      </svg>{' '}
      <span>{text}</span>
    </span>
  );
}
