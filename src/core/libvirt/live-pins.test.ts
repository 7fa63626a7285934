import { describe, expect, it } from 'vitest';
import { livePinsOf } from './live-pins.js';

describe('livePinsOf', () => {
  it('reads each vCPU pin and the emulator pin of <cputune>', () => {
    const xml = `<domain type="kvm"><name>a</name><cputune>
      <shares>2048</shares>
      <vcpupin vcpu="0" cpuset="4"/><vcpupin vcpu="1" cpuset="5-6"/>
      <emulatorpin cpuset="7"/></cputune></domain>`;
    expect(livePinsOf(xml)).toEqual({
      vcpus: [
        { vcpu: 0, cpuset: '4' },
        { vcpu: 1, cpuset: '5-6' },
      ],
      emulator: '7',
    });
  });

  it('has nothing to pin without <cputune>, and skips pins it cannot read', () => {
    expect(livePinsOf('<domain><name>a</name></domain>')).toEqual({ vcpus: [], emulator: null });
    const odd =
      '<domain><name>a</name><cputune><vcpupin vcpu="x" cpuset="1"/><vcpupin vcpu="2"/></cputune></domain>';
    expect(livePinsOf(odd)).toEqual({ vcpus: [], emulator: null });
  });
});
