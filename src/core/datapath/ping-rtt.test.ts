import { describe, expect, it } from 'vitest';
import { VfleetError } from '../errors.js';
import { parsePingRtts, pingPayloadBytes } from './ping-rtt.js';

const BUSYBOX = `PING 198.18.0.2 (198.18.0.2): 18 data bytes
26 bytes from 198.18.0.2: seq=0 ttl=64 time=0.927 ms
26 bytes from 198.18.0.2: seq=1 ttl=64 time=1.204 ms
26 bytes from 198.18.0.2: seq=3 ttl=64 time=12.5 ms

--- 198.18.0.2 ping statistics ---
4 packets transmitted, 3 packets received, 25% packet loss
round-trip min/avg/max = 0.927/4.877/12.500 ms
`;

const IPUTILS = `PING 198.18.0.2 (198.18.0.2) 18(46) bytes of data.
26 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=0.045 ms
26 bytes from 198.18.0.2: icmp_seq=2 ttl=64 time=0.101 ms
From 198.18.0.1 icmp_seq=3 Destination Host Unreachable
no answer yet for icmp_seq=4
26 bytes from 198.18.0.2: icmp_seq=5 ttl=64 time=2 ms

--- 198.18.0.2 ping statistics ---
5 packets transmitted, 3 received, +1 errors, 40% packet loss, time 42ms
rtt min/avg/max/mdev = 0.045/0.715/2.000/0.910 ms, pipe 2
`;

describe('parsePingRtts', () => {
  it('reads each busybox reply in µs, not the summary', () => {
    expect(parsePingRtts(BUSYBOX)).toEqual([927, 1204, 12500]);
  });

  it('reads each iputils reply in µs; unreachable, timeouts and the summary are no samples', () => {
    expect(parsePingRtts(IPUTILS)).toEqual([45, 101, 2000]);
  });

  it('reads iputils "time<1 ms" as the bound it gives', () => {
    expect(parsePingRtts('64 bytes from 10.0.0.1: icmp_seq=1 ttl=64 time<1 ms\n')).toEqual([1000]);
  });

  it('rounds to whole microseconds', () => {
    expect(parsePingRtts('seq=0 ttl=64 time=0.0456 ms\nseq=1 ttl=64 time=0.0004 ms')).toEqual([
      46, 0,
    ]);
  });

  it.each([
    '',
    'PING 198.18.0.2 (198.18.0.2): 18 data bytes\n\n--- 198.18.0.2 ping statistics ---\n3 packets transmitted, 0 packets received, 100% packet loss\n',
    'ping: sendto: Network unreachable\n',
  ])('finds no sample in %j', (text) => {
    expect(parsePingRtts(text)).toEqual([]);
  });
});

describe('pingPayloadBytes', () => {
  it.each([
    [64, 18],
    [128, 82],
    [1024, 978],
    [1518, 1472],
    // The smallest that still carries ping's timestamp.
    [62, 16],
  ])('a %i-byte frame is %i bytes of payload', (frame, payload) => {
    expect(pingPayloadBytes(frame)).toBe(payload);
  });

  it.each([61, 46, 0, -1, 64.5])('refuses %s naming frameSize', (frame) => {
    let error: unknown = null;
    try {
      pingPayloadBytes(frame);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VfleetError);
    expect((error as VfleetError).code).toBe('INVALID_INPUT');
    expect((error as VfleetError).details).toEqual({ field: 'frameSize' });
  });
});
