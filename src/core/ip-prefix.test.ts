import { describe, expect, it } from 'vitest';
import { ipPrefixProblem, parseIpPrefix } from './ip-prefix.js';

describe('ipPrefixProblem', () => {
  it.each(['10.0.1.1/24', '192.168.255.254/32', '2001:db8::1/64', '::1/128', 'fe80::/10'])(
    'accepts %s',
    (s) => {
      expect(ipPrefixProblem(s)).toBeNull();
    },
  );
  it.each(['::ffff:192.0.2.1/96', '1:2:3:4:5:6:7:8/64', 'FD00::A/8'])('accepts %s', (s) => {
    expect(ipPrefixProblem(s)).toBeNull();
  });

  it.each([
    ['10.0.1.1', 'give the prefix length'],
    ['10.0.1.256/24', 'not an IPv4 or IPv6'],
    ['10.0.1/24', 'not an IPv4 or IPv6'],
    ['010.0.1.1/24', 'not an IPv4 or IPv6'],
    ['10.0.1.1/33', '1-32'],
    ['10.0.1.1/0', '1-32'],
    ['2001:db8::1/129', '1-128'],
    ['2001:db8:::1/64', 'not an IPv4 or IPv6'],
    ['1::2::3/64', 'not an IPv4 or IPv6'],
    ['1:2:3:4:5:6:7:8:9/64', 'not an IPv4 or IPv6'],
    ['1:2:3:4:5:6:7/64', 'not an IPv4 or IPv6'],
    ['2001:db8::g/64', 'not an IPv4 or IPv6'],
    ['10.0.1.1/2a', '1-32'],
  ])('refuses %s', (s, why) => {
    expect(ipPrefixProblem(s)).toContain(why);
  });

  it('parses the family and the prefix length', () => {
    expect(parseIpPrefix('10.0.1.1/24')).toEqual({
      family: 4,
      text: '10.0.1.1/24',
      prefixLength: 24,
    });
    expect(parseIpPrefix('FD00::1/64')).toEqual({
      family: 6,
      text: 'fd00::1/64',
      prefixLength: 64,
    });
    expect(parseIpPrefix('nope')).toBeNull();
  });
});
