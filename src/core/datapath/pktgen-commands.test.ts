import { describe, expect, it } from 'vitest';
import { VfleetError } from '../errors.js';
import {
  PKTGEN_START,
  PKTGEN_STOP,
  parsePktgenDevice,
  pktgenStreamSetup,
  pktgenThreadSetup,
  pktgenTrial,
} from './pktgen-commands.js';

// /proc/net/pktgen/eth2 after a run on the lab's igb VFs (a real kernel).
const AFTER_RUN = `Params: count 20000  min_pkt_size: 60  max_pkt_size: 60
     frags: 0  delay: 1000  clone_skb: 0  ifname: eth2
     flows: 0 flowlen: 0
Current:
     pkts-sofar: 20000  errors: 0
     started: 0us  stopped: 0us idle: 0us
     seq_num: 20001  cur_dst_mac_offset: 0  cur_src_mac_offset: 0
Result: OK: 365856(c344014+d21842) usec, 20000 (60byte,0frags)
  54666pps 26Mb/sec (26239680bps) errors: 0
`;

const stream = {
  device: 'eth2',
  dstMac: 'a6:15:ff:0b:93:f9',
  srcIp: '198.18.0.1',
  dstIp: '198.18.0.2',
  frameSize: 64,
};

function failure(f: () => unknown): VfleetError {
  try {
    f();
  } catch (e) {
    if (e instanceof VfleetError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('pktgen commands', () => {
  it('puts one device on the thread file of the CPU, after clearing it', () => {
    expect(pktgenThreadSetup(3, 'eth2')).toEqual([
      { file: 'kpktgend_3', command: 'rem_device_all' },
      { file: 'kpktgend_3', command: 'add_device eth2' },
    ]);
  });

  it('sets the stream on the device file, one command per write, pkt_size without the FCS', () => {
    expect(pktgenStreamSetup(stream)).toEqual(
      [
        'pkt_size 60',
        'dst 198.18.0.2',
        'src_min 198.18.0.1',
        'src_max 198.18.0.1',
        'dst_mac a6:15:ff:0b:93:f9',
        'udp_src_min 9',
        'udp_src_max 9',
        'udp_dst_min 9',
        'udp_dst_max 9',
        'clone_skb 0',
      ].map((command) => ({ file: 'eth2', command })),
    );
  });

  it.each([
    [64, 'pkt_size 60'],
    [128, 'pkt_size 124'],
    [1518, 'pkt_size 1514'],
  ])('frame %i is pkt_size %s', (frameSize, first) => {
    expect(pktgenStreamSetup({ ...stream, frameSize })[0]?.command).toBe(first);
  });

  it.each([63, 1519, 64.5, Number.NaN])('refuses frame size %s naming frameSize', (frameSize) => {
    const e = failure(() => pktgenStreamSetup({ ...stream, frameSize }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.details).toEqual({ field: 'frameSize' });
  });

  it.each([
    [1000, 20_000, ['count 20000', 'ratep 1000']],
    [54_666.9, 1_093_338.2, ['count 1093338', 'ratep 54666']],
    // count 0 would run forever; rate 0 is no rate: both at least 1.
    [0.2, 0, ['count 1', 'ratep 1']],
  ])('a trial at %s pps for %s frames is %j', (rate, frames, commands) => {
    expect(pktgenTrial('eth2', rate, frames)).toEqual(
      commands.map((command) => ({ file: 'eth2', command })),
    );
  });

  it('starts and stops on pgctrl', () => {
    expect(PKTGEN_START).toEqual({ file: 'pgctrl', command: 'start' });
    expect(PKTGEN_STOP).toEqual({ file: 'pgctrl', command: 'stop' });
  });
});

describe('parsePktgenDevice', () => {
  it('reads the count sent and the elapsed time of the real sample', () => {
    expect(parsePktgenDevice(AFTER_RUN)).toEqual({
      sentFrames: 20000,
      errors: 0,
      elapsedUs: 365856,
    });
  });

  it('reads errors and a partial count', () => {
    const text = AFTER_RUN.replace('pkts-sofar: 20000  errors: 0', 'pkts-sofar: 1234  errors: 7');
    expect(parsePktgenDevice(text)).toMatchObject({ sentFrames: 1234, errors: 7 });
  });

  it.each([
    [
      'a command echo (no run yet)',
      AFTER_RUN.replace(/^Result:.*$/m, 'Result: OK: rate=1000000'),
      'pktgen did not report a run: OK: rate=1000000',
    ],
    ['an idle device', AFTER_RUN.replace(/^Result:.*$/m, 'Result: Idle'), 'Idle'],
    [
      "the kernel's error",
      AFTER_RUN.replace(/^Result:.*$/m, 'Result: No such netdevice: "eth9"'),
      'No such netdevice: "eth9"',
    ],
    ['no Result line', AFTER_RUN.replace(/^Result:.*\n.*\n/m, ''), 'no Result line'],
    ['no counters', AFTER_RUN.replace(/pkts-sofar.*\n/, ''), 'OK: 365856'],
    ['nothing', '', 'no Result line'],
  ])('refuses %s as COMMAND_FAILED naming pktgen', (_what, text, said) => {
    const e = failure(() => parsePktgenDevice(text));
    expect(e.code).toBe('COMMAND_FAILED');
    expect(e.details).toEqual({ field: 'pktgen' });
    expect(e.message).toMatch(/^pktgen did not report a run: /);
    expect(e.message).toContain(said);
  });
});
