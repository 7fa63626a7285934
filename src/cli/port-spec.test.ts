import { describe, expect, it } from 'vitest';
import { bareCli } from '../testing/bare-cli.js';
import { PORT_KEYS, parsePortSpec } from './port-spec.js';
import { QUOTA_DEFAULT_KEYS, parseQuotaDefaults } from './quota-defaults-arg.js';

/** A sample value the parser takes for each key. */
const sample = (value: string | null): string =>
  value === null
    ? ''
    : `=${value.split('|').at(-1) === 'MBPS' ? '100' : (value.split('|')[0] ?? '')}`;

describe('--port NET[,key=value...]', () => {
  it.each(PORT_KEYS.map((k) => [k.key, k.value] as const))(
    '%s is parsed and listed in --help of instance create and boot',
    async (key, value) => {
      const port = parsePortSpec(`blue,${key}${sample(value)}`);
      expect(Object.keys(port).length).toBe(2);
      for (const verb of ['create', 'boot']) {
        const help = await bareCli(['instance', verb, '--help']);
        expect(help.exitCode).toBe(0);
        expect(help.stdout).toContain(`${key}${value === null ? ':' : `=${value}:`}`);
      }
    },
  );

  it('the README failover port and rates', () => {
    expect(parsePortSpec('blue,vnic=direct,standby-bridge=br0,max-tx=100,trusted')).toEqual({
      network: 'blue',
      vnicType: 'direct',
      standby: { bridge: 'br0' },
      maxTxRate: 100,
      trusted: true,
    });
    expect(parsePortSpec('blue,vnic=normal,bridge=br0,model=igb')).toEqual({
      network: 'blue',
      vnicType: 'normal',
      bridge: 'br0',
      nicModel: 'igb',
    });
    expect(parsePortSpec('blue,trusted=false,vnicType=macvtap')).toEqual({
      network: 'blue',
      trusted: false,
      vnicType: 'macvtap',
    });
  });

  it('spoofchk on|off and repeated address= (the router ports)', () => {
    expect(
      parsePortSpec('blue,trusted,spoofchk=off,address=10.0.1.1/24,address=2001:db8::1/64'),
    ).toEqual({
      network: 'blue',
      trusted: true,
      spoofchk: false,
      addresses: ['10.0.1.1/24', '2001:db8::1/64'],
    });
    expect(parsePortSpec('red,spoofchk=on')).toEqual({ network: 'red', spoofchk: true });
    // Anything else goes to the API as written, which names the field in its refusal.
    expect(parsePortSpec('red,spoofchk=maybe')).toEqual({ network: 'red', spoofchk: 'maybe' });
  });

  it('an unknown key, a flag given a value, a key without one: refused, listing every key', () => {
    for (const bad of ['blue,colour=red', 'blue,trusted=maybe', 'blue,mac']) {
      expect(() => parsePortSpec(bad)).toThrow(
        /unknown setting .*standby-bridge=BR, standby-network=NET\)/,
      );
    }
    expect(() => parsePortSpec('vnic=direct')).toThrow(/start with the network name/);
  });
});

describe('--default-quota KEY=VALUE', () => {
  it.each(QUOTA_DEFAULT_KEYS.map((k) => [k]))('%s is parsed and listed in --help', async (key) => {
    expect(Object.keys(parseQuotaDefaults([`${key}=unlimited`]))).toHaveLength(1);
    for (const cmd of ['controller', 'up']) {
      const help = await bareCli([cmd, '--help']);
      expect(help.stdout.replace(/\s+/g, ' ')).toContain(`${key}=`);
    }
  });
});
