import { describe, expect, it } from 'vitest';
import { batchOutcomes, isBatchSafeIfname, vfCommandLines } from './ip-vf-commands.js';
import type { AttrChange } from './plan-types.js';

const tag = (vlan: number, qos = 0, proto: '802.1Q' | '802.1ad' = '802.1Q') => ({
  vlan,
  qos,
  proto,
});

describe('vfCommandLines', () => {
  it('writes one ip line per attribute in iproute2 syntax', () => {
    const changes: AttrChange[] = [
      { attr: 'mac', from: null, to: 'fa:16:3e:00:00:01' },
      { attr: 'vlan', from: tag(0), to: tag(2401, 3) },
      { attr: 'spoofchk', from: true, to: false },
      { attr: 'trust', from: false, to: true },
      { attr: 'state', from: 'auto', to: 'disable' },
      { attr: 'maxTxRate', from: 0, to: 100 },
    ];
    expect(vfCommandLines('eth0', 1, changes).map((l) => l.line)).toEqual([
      'link set dev eth0 vf 1 mac fa:16:3e:00:00:01',
      'link set dev eth0 vf 1 vlan 2401 qos 3',
      'link set dev eth0 vf 1 spoofchk off',
      'link set dev eth0 vf 1 trust on',
      'link set dev eth0 vf 1 state disable',
      'link set dev eth0 vf 1 max_tx_rate 100',
    ]);
  });

  it('sends proto only for 802.1ad, and plain vlan 0 to untag', () => {
    const lines = (to: ReturnType<typeof tag>) =>
      vfCommandLines('eth0', 0, [{ attr: 'vlan', from: null, to }]).map((l) => l.line);
    expect(lines(tag(100, 0, '802.1ad'))).toEqual([
      'link set dev eth0 vf 0 vlan 100 proto 802.1ad',
    ]);
    expect(lines(tag(100, 2))).toEqual(['link set dev eth0 vf 0 vlan 100 qos 2']);
    expect(lines(tag(0, 0))).toEqual(['link set dev eth0 vf 0 vlan 0']);
  });

  it('orders rate lines so that min never exceeds a non-zero max on the way', () => {
    const rates = (minFrom: number, minTo: number, maxTo: number) =>
      vfCommandLines('eth0', 0, [
        { attr: 'maxTxRate', from: 1000, to: maxTo },
        { attr: 'minTxRate', from: minFrom, to: minTo },
      ]).map((l) => l.attr);
    expect(rates(0, 200, 500)).toEqual(['maxTxRate', 'minTxRate']);
    // max 1000 -> 100 while min is 500: min must drop first.
    expect(rates(500, 50, 100)).toEqual(['minTxRate', 'maxTxRate']);
    expect(rates(500, 50, 0)).toEqual(['maxTxRate', 'minTxRate']);
  });

  it('rejects interface names ip -batch would split or comment out', () => {
    expect(isBatchSafeIfname('enp59s0f0')).toBe(true);
    expect(isBatchSafeIfname('a#b')).toBe(false);
    expect(isBatchSafeIfname('a b')).toBe(false);
  });
});

describe('batchOutcomes', () => {
  it('maps iproute2 "Command failed -:N" to the line, unsupported when the driver says so', () => {
    const stderr =
      'RTNETLINK answers: Operation not supported\nCommand failed -:2\nRTNETLINK answers: Invalid argument\nCommand failed -:3\n';
    expect(batchOutcomes(4, { exitCode: 1, stdout: '', stderr })).toEqual([
      { status: 'ok', detail: null },
      { status: 'unsupported', detail: 'RTNETLINK answers: Operation not supported' },
      { status: 'failed', detail: 'RTNETLINK answers: Invalid argument' },
      { status: 'ok', detail: null },
    ]);
  });

  it('all ok on exit 0', () => {
    expect(batchOutcomes(2, { exitCode: 0, stdout: '', stderr: '' }).map((o) => o.status)).toEqual([
      'ok',
      'ok',
    ]);
  });

  it('fails the unconfirmed lines when ip stops on a parse error (as iproute2 6.1 does)', () => {
    // Real output of iproute2 6.1 for: bad device, unsupported, vlan 5000, one more line.
    const stderr =
      'Cannot find device "nosuch0"\nCommand failed -:1\nRTNETLINK answers: Operation not supported\nCommand failed -:2\nError: argument "5000" is wrong: Invalid "vlan" value\n';
    const out = batchOutcomes(4, { exitCode: 255, stdout: '', stderr });
    expect(out.map((o) => o.status)).toEqual(['failed', 'unsupported', 'failed', 'failed']);
    expect(out[2]?.detail).toMatch(
      /ip stopped before confirming this line: Error: argument "5000"/,
    );
  });

  it('fails every line when ip fails without saying which', () => {
    const out = batchOutcomes(2, { exitCode: 1, stdout: '', stderr: '' });
    expect(out.map((o) => o.status)).toEqual(['failed', 'failed']);
    expect(out[0]?.detail).toMatch(/status 1/);
  });
});
