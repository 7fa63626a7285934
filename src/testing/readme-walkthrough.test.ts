import { describe, expect, it } from 'vitest';
import { firstUnmet, linePattern, parseWalkthrough } from './readme-walkthrough.js';

const readme = [
  '# x',
  '```console',
  '$ not part of it',
  '```',
  '<!-- walkthrough -->',
  'Some prose.',
  '```console',
  '$ vfleet hosts',
  'NAME   READY',
  'lab-a  yes …',
  '',
  '$ vfleet instance create a \\',
  '    --vcpus 1',
  'instance a …',
  '$ vfleet oops',
  "vfleet: unknown command 'oops'",
  '(exit 2)',
  '```',
  '```sh',
  '$ ignored, not a console block',
  '```',
  '<!-- /walkthrough -->',
].join('\n');

describe('README walkthrough parsing', () => {
  it('reads commands, continuations, promised lines and exit codes from console blocks only', () => {
    const steps = parseWalkthrough(readme);
    expect(steps.map((s) => s.command)).toEqual([
      'vfleet hosts',
      'vfleet instance create a \\\n    --vcpus 1',
      'vfleet oops',
    ]);
    expect(steps[0]?.expected).toEqual(['NAME   READY', 'lab-a  yes …']);
    expect(steps[0]?.line).toBe(8);
    expect(steps.map((s) => s.exitCode)).toEqual([0, 0, 2]);
  });

  it('refuses a README without the section or with an unclosed block', () => {
    expect(() => parseWalkthrough('# none')).toThrow(/walkthrough/);
    expect(() =>
      parseWalkthrough('<!-- walkthrough -->\n```console\n$ a\n<!-- /walkthrough -->'),
    ).toThrow(/not closed/);
  });
});

describe('README promises against output', () => {
  it('lets … stand for any text and spaces for any run of spaces, nothing else', () => {
    expect(linePattern('lab-a  yes …').test('lab-a        yes   healthy 2/7')).toBe(true);
    expect(linePattern('lab-a  yes …').test('lab-b  yes healthy')).toBe(false);
    expect(linePattern('a.b (1)').test('axb (1)')).toBe(false);
    expect(linePattern('4/4 VFs').test('  4/4   VFs  ')).toBe(true);
  });

  it('needs the promised lines in order, other lines between allowed', () => {
    const out = 'NAME READY\nthis-host yes\nlab-a yes healthy\n';
    expect(firstUnmet(['NAME READY', 'lab-a yes …'], out)).toBeNull();
    expect(firstUnmet(['lab-a yes …', 'NAME READY'], out)).toBe('NAME READY');
    expect(firstUnmet(['lab-c …'], out)).toBe('lab-c …');
  });
});
