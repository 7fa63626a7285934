import { describe, expect, it } from 'vitest';
import { bareCli } from '../testing/bare-cli.js';
import { parseVlanRanges, vlanIdArg } from './vlan-range-arg.js';

/** Every VLAN option quotes the API's range, 1-4094, and names itself. */
describe('VLAN options', () => {
  it.each([
    [['network', 'create', 'n', '--physnet', 'p', '--vlan', 'abc'], '--vlan', 'abc'],
    [['network', 'create', 'n', '--physnet', 'p', '--vlan', '0'], '--vlan', '0'],
    [['network', 'update', 'n', '--vlan', '4095'], '--vlan', '4095'],
  ])('%j', async (argv, option, value) => {
    const r = await bareCli(argv);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      `vfleet: error: ${option}: "${value}" is not a VLAN id (1-4094) [field: vlan] (INVALID_INPUT)\n`,
    );
  });

  it.each([['abc'], ['0-10'], ['100-4095'], ['1-2-3'], ['100,x']])(
    '--vlan-range %s',
    async (value) => {
      const r = await bareCli(['physnet', 'create', 'p', '--vlan-range', value]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(
        `--vlan-range: "${value}" is not MIN-MAX of VLAN ids (1-4094) like 100-199`,
      );
    },
  );

  it('parses what the API takes', () => {
    expect(vlanIdArg()(' 4094')).toBe(4094);
    expect(vlanIdArg()('1')).toBe(1);
    expect(parseVlanRanges(['1-4094', '7,10-20'])).toEqual([
      { min: 1, max: 4094 },
      { min: 7, max: 7 },
      { min: 10, max: 20 },
    ]);
    expect(parseVlanRanges(['none'])).toEqual([]);
  });
});
